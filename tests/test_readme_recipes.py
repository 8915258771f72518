"""The README's recipes for a SPARQL server of your own, run as written.

Each `<!-- recipe: NAME -->` block is read from README.md. Its install line is only checked
(the tool must be there); its server line is started; every `kg` line is run in a folder
whose `build/` is the session's build, and the last one's answer must be the embedded
store's. Only what must differ on a shared machine is changed: the ports (free ones) and,
for Virtuoso, the database folder (a copy of Debian's configuration pointing at a scratch
folder instead of /var/lib).
"""

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.servers import ROOT, BuiltGraph, free_port, kg_executable, running

pytestmark = pytest.mark.servers

RECIPE = re.compile(r"<!-- recipe: (\w+)[^>]*-->\s*```sh\n(.*?)```", re.DOTALL)
DEBIAN_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
DEBIAN_DB = "/var/lib/virtuoso-opensource-7/db"
INSTALLS = {"oxigraph": "oxigraph", "virtuoso": "virtuoso-t"}


def locate(program: str) -> str:
    """On the PATH, or in the virtualenv the tests run from (where pip put `oxigraph`)."""
    return shutil.which(program) or shutil.which(
        program, path=str(Path(kg_executable()).parent)) or ""


def recipes() -> dict[str, list[str]]:
    found = {name: [line.strip() for line in block.splitlines() if line.strip()]
             for name, block in RECIPE.findall((ROOT / "README.md").read_text(encoding="utf-8"))}
    assert set(found) == set(INSTALLS), f"README recipes: {sorted(found)}"
    return found


def virtuoso_config(workdir: Path, ports: dict[str, str]) -> Path:
    """Debian's own configuration, with the database in a scratch folder and free ports."""
    text = DEBIAN_INI.read_text(encoding="utf-8").replace(DEBIAN_DB, str(workdir / "db"))
    for port, free in ports.items():
        text = re.sub(rf"^(ServerPort\s*=\s*){port}\s*$", rf"\g<1>127.0.0.1:{free}", text,
                      flags=re.MULTILINE)
    (workdir / "db").mkdir()
    config = workdir / "virtuoso.ini"
    config.write_text(text, encoding="utf-8")
    return config


@pytest.mark.parametrize("name", sorted(INSTALLS))
def test_readme_recipe_works_as_written(name: str, built_graph: BuiltGraph,
                                        tmp_path: Path) -> None:
    lines = recipes()[name]
    install, server, *kg_lines = lines
    assert "install" in install
    assert locate(INSTALLS[name]), f"{INSTALLS[name]} not found: {install}"
    ports = {port: str(free_port()) for port in set(re.findall(r":(\d{4})\b", "\n".join(lines)))}
    if name == "virtuoso":
        assert DEBIAN_INI.exists(), "apt-get install -y virtuoso-opensource"
        ports["1111"] = str(free_port())  # Virtuoso's SQL port, named only in its configuration
        server = server.replace(str(DEBIAN_INI), str(virtuoso_config(tmp_path, ports)))

    def as_run(line: str) -> list[str]:
        for port, free in ports.items():
            line = line.replace(f":{port}", f":{free}")
        words = shlex.split(line)
        return [kg_executable(), *words[1:]] if words[0] == "kg" else words

    (tmp_path / "build").mkdir()  # `kg load` reads build/store, as after `kg build`
    (tmp_path / "build" / "store").symlink_to(built_graph.store.resolve())
    query_url = next(w for w in as_run(kg_lines[-1]) if w.startswith("http"))
    command = as_run(server)
    command[0] = locate(command[0])
    with running(command, f"{query_url}?query=ASK%7B%7D", tmp_path, cwd=tmp_path):
        done = [subprocess.run(as_run(line), cwd=tmp_path, capture_output=True, text=True,
                               timeout=300) for line in kg_lines]
    for line, result in zip(kg_lines, done, strict=True):
        assert result.returncode == 0, f"{line}\n{result.stderr}"
    embedded = subprocess.run([kg_executable(), "query", "votes-on-resolution", "--store",
                               str(built_graph.store)], capture_output=True, text=True,
                              timeout=120)
    assert "(0 rows)" not in embedded.stdout
    assert done[-1].stdout == embedded.stdout
