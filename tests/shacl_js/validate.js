// Second SHACL engine for the cross-check in tests/test_shacl_js.py: rdf-ext's shacl-engine,
// with its SHACL-SPARQL plugin (Comunica). Usage: node validate.js SHAPES_DIR DATA.ttl ...
// Prints one JSON object: for each data file, conforms and the violations per focus node.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Parser } from 'n3'
import rdf from 'rdf-ext'
import { Validator } from 'shacl-engine'
import { targetResolvers, validations } from 'shacl-engine/sparql.js'

const SH = 'http://www.w3.org/ns/shacl#'

function load (files) {
  const dataset = rdf.dataset()
  for (const file of files) {
    dataset.addAll(new Parser({ baseIRI: `file://${file}` }).parse(readFileSync(file, 'utf8')))
  }
  return dataset
}

const [shapesDir, ...dataFiles] = process.argv.slice(2)
const shapeFiles = readdirSync(shapesDir).filter(f => f.endsWith('.ttl')).sort().map(f => join(shapesDir, f))
const validator = new Validator(load(shapeFiles), { factory: rdf, targetResolvers, validations })

const verdicts = {}
for (const file of dataFiles) {
  const report = await validator.validate({ dataset: load([file]) })
  const violations = {}
  let conforms = true
  for (const result of report.results) {
    if (result.severity.value !== `${SH}Violation`) continue
    conforms = false
    const focus = result.focusNode.term.value
    violations[focus] = (violations[focus] || 0) + 1
  }
  verdicts[file] = { conforms, violations }
}
console.log(JSON.stringify(verdicts, null, 1))
