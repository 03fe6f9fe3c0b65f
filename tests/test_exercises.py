"""Every lesson ends with 3-5 numbered exercises and their worked solutions in a collapsed code cell.

The solutions cell is hidden in Jupyter (`metadata.jupyter.source_hidden`) and folded in the docs (its first
line is Quarto's `#| code-fold: true`); it runs with the notebook, so test_notebooks.py executes it in the
smoke run and `make course` in the full run. Nothing is listed by hand except the lessons still waiting for
their exercises."""
import re

import nbformat
import pytest

import nbrun

# Lessons whose exercises are still being written. Empty this set as they land: every other lesson must comply.
PENDING: set[str] = set()

# Notebooks numbered 10 and up are the library's module notebooks (the trainer's modules behind lesson 04, the run
# configs and commands behind lesson 05): engineering reference, whose lessons hold the exercises.
LESSONS = [p for p in nbrun.notebooks() if p.name != "index.ipynb" and not re.match(r"1\d", p.name)]
ITEM = re.compile(r"^(\d+)\.\s+\S", re.MULTILINE)       # a top-level numbered item: "1. ..."
ASSERTS = re.compile(r"\bassert\b|\btest_(eq|close|fail|ne)\(")


def test_pending_are_lessons():
    "A name in PENDING that is no lesson (renamed, or a typo) would silently exempt nothing."
    assert PENDING <= {p.name for p in LESSONS}, sorted(PENDING - {p.name for p in LESSONS})


def is_solutions_cell(cell) -> bool:
    return (cell.cell_type == "code" and cell.metadata.get("jupyter", {}).get("source_hidden") is True
            and cell.source.splitlines()[:1] == ["#| code-fold: true"])


@pytest.mark.parametrize("nb", LESSONS, ids=lambda p: p.name)
def test_lesson_has_exercises(nb):
    if nb.name in PENDING: pytest.skip(f"{nb.name}: exercises pending (tests/test_exercises.py PENDING)")
    cells = nbformat.read(nb, as_version=4).cells
    heads = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("## Exercises")]
    assert len(heads) == 1, f"{nb.name}: expected one markdown cell starting '## Exercises', found {len(heads)}"
    numbers = [int(n) for n in ITEM.findall(cells[heads[0]].source)]
    assert 3 <= len(numbers) <= 5 and numbers == list(range(1, len(numbers) + 1)), \
        f"{nb.name}: the exercises cell needs 3-5 items numbered 1., 2., ...; found {numbers}"
    solutions = [c for c in cells[heads[0] + 1:] if is_solutions_cell(c)]
    assert solutions, (f"{nb.name}: no solutions cell after '## Exercises' (a code cell with metadata "
                       "jupyter.source_hidden: true whose first line is '#| code-fold: true')")
    assert all(ASSERTS.search(c.source) for c in solutions), f"{nb.name}: a solutions cell must check its answers (assert / test_eq ...)"


def test_solutions_cell_is_recognised():
    "The checks above, on a hand-made notebook: what passes and what does not."
    md = nbformat.v4.new_markdown_cell("## Exercises\n\n1. a\n2. b\n   continued\n3. c")
    sol = nbformat.v4.new_code_cell("#| code-fold: true\n# Solutions (try the exercises first)\nassert 1",
                                    metadata={"jupyter": {"source_hidden": True}})
    assert [int(n) for n in ITEM.findall(md.source)] == [1, 2, 3]
    assert is_solutions_cell(sol)
    assert not is_solutions_cell(nbformat.v4.new_code_cell(sol.source))                         # not collapsed
    assert not is_solutions_cell(nbformat.v4.new_code_cell("# Solutions", metadata=sol.metadata))  # not folded in the docs
