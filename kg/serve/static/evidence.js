// The evidence view: bring the quoted words into sight, whatever address opened the page.
"use strict";
document.getElementById("quote")?.scrollIntoView({ block: "center" });
