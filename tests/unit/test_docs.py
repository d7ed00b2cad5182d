"""Every document the code and the docs cite is in the repository: a reference to a file that is
not there (a spec kept elsewhere, a document renamed) is a dead end for the next reader."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where references live: the code, its data, the tests and every document. This file is left out:
# it names the documents that must no longer be cited.
SOURCES = sorted(
    path
    for pattern in ("crm/**/*.py", "crm/**/*.tcss", "widgets/**/*.py", "data/**/*.json", "data/**/*.txt",
                    "tests/**/*.py", "docs/*.md", "*.md", "Makefile", "pyproject.toml", ".ci/run")
    for path in ROOT.glob(pattern)
    if path != Path(__file__).resolve() and "__pycache__" not in path.parts and "bench/.cache" not in str(path)
)
DOCUMENTS = sorted(ROOT.glob("docs/*.md")) + sorted(ROOT.glob("*.md"))
# The names the shared documents had before the docs/ folder held them.
OLD_NAMES = re.compile(r"\b(?:SPEC|PLAYBOOK|PITFALLS|STYLE)\b|ARCHITECTURE\.md|\.\./shared")
MARKDOWN = re.compile(r"(?<![\w./-])((?:[\w-]+/)*[\w-]+\.md)\b")
SECTIONS = re.compile(r"docs/method\.md((?:[ ,–-]*(?:and )?§?\d+\b)+)")
NAMED_SECTION = re.compile(r"(docs/[\w-]+\.md),? \"([^\"]+)\"")
# A path into the repository written in a document: crm/rules.py, tests/app/support.py, data/demo/.
REPO_PATH = re.compile(r"(?<![\w./~$-])((?:crm|widgets|data|tests|docs)/[\w./-]*\w)")


def _lines(path: Path) -> list[tuple[int, str]]:
    return list(enumerate(path.read_text(encoding="utf-8").splitlines(), 1))


def _where(path: Path, number: int) -> str:
    return f"{path.relative_to(ROOT)}:{number}"


def test_the_documents_are_in_the_repository():
    assert {path.name for path in ROOT.glob("docs/*.md")} >= {"design.md", "method.md", "pitfalls.md", "spec.md"}


def test_no_reference_to_a_document_outside_the_repository():
    stale = [f"{_where(path, n)}: {line.strip()}" for path in SOURCES for n, line in _lines(path)
             if OLD_NAMES.search(line)]
    assert stale == [], "cite docs/spec.md, docs/method.md §N, docs/pitfalls.md or docs/design.md instead"


def test_every_markdown_file_named_exists():
    missing = [f"{_where(path, n)}: {name}" for path in SOURCES for n, line in _lines(path)
               for name in MARKDOWN.findall(line) if not (ROOT / name).is_file()]
    assert missing == []


def _method_sections() -> set[int]:
    text = (ROOT / "docs/method.md").read_text(encoding="utf-8")
    return {int(number) for number in re.findall(r"^## §(\d+)\. ", text, re.MULTILINE)}


def test_every_section_of_the_method_cited_exists():
    sections = _method_sections()
    assert sections == set(range(1, 9))  # code and tests cite §1–§8: the numbering stays
    cited = [(path, n, int(number)) for path in SOURCES for n, line in _lines(path)
             for match in SECTIONS.finditer(line) for number in re.findall(r"\d+", match.group(1))]
    assert cited, "the method is cited by section somewhere"
    assert [f"{_where(path, n)}: §{number}" for path, n, number in cited if number not in sections] == []


def test_every_named_section_cited_exists():
    missing = []
    for path in SOURCES:
        for n, line in _lines(path):
            for document, title in NAMED_SECTION.findall(line):
                headings = re.findall(r"^#+ (.+)$", (ROOT / document).read_text(encoding="utf-8"), re.MULTILINE)
                if not any(title.lower() in heading.lower() for heading in headings):
                    missing.append(f"{_where(path, n)}: {document} \"{title}\"")
    assert missing == []


def test_every_repository_path_in_the_documents_exists():
    missing = [f"{_where(path, n)}: {name}" for path in DOCUMENTS for n, line in _lines(path)
               for name in REPO_PATH.findall(line) if not (ROOT / name.rstrip(".")).exists()]
    assert missing == []
