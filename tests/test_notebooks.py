"""Every notebook in nbs/ runs headless with its smoke parameters, and follows the course conventions.

Nothing is listed by hand: adding a notebook adds its tests."""
import nbformat
import pytest

import nbrun

NOTEBOOKS = nbrun.notebooks()
LESSONS = [p for p in NOTEBOOKS if p.name != "index.ipynb"]


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory):
    "One results folder for the whole session, so index.ipynb (run last) sees the others' results."
    return tmp_path_factory.mktemp("results")


def test_found_notebooks():
    assert len(NOTEBOOKS) >= 2, f"no notebooks discovered in {nbrun.NBS}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(nb, results_dir, tmp_path):
    params = nbrun.smoke_parameters(nb)  # raises if the notebook has no `parameters` cell
    nbrun.execute(nb, tmp_path / nb.name, params, results_dir, timeout=300)


@pytest.mark.parametrize("nb", LESSONS, ids=lambda p: p.name)
def test_lesson_conventions(nb):
    cells = nbformat.read(nb, as_version=4).cells
    title = cells[0]
    assert title.cell_type == "markdown" and title.source.startswith("# "), f"{nb.name}: first cell must be '# Title'"
    assert "\n> " in title.source, f"{nb.name}: the title cell needs a one-line '> subtitle'"
    text = "\n".join(c.source for c in cells)
    assert nbrun.colab_badge(nb.name) in text, \
        f"{nb.name}: missing or stale Colab badge (run `python tools/nbrun.py --sync-links`)"
    code = [c for c in cells if c.cell_type == "code"]
    colab = [c for c in code if "/content" in c.source]
    assert colab and nbrun.clone_url() in colab[0].source, f"{nb.name}: needs the Colab-only install cell"
    assert any("nbdev_export" in c.source for c in code[-2:]), f"{nb.name}: last cells must call nbdev_export()"
    nbrun.parameters_cell(nb)


def test_parameters_cell_is_required(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "no_params.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="exactly one cell tagged 'parameters'"):
        nbrun.smoke_parameters(path)


def test_failing_cell_fails(tmp_path, results_dir):
    "A broken notebook must fail the suite: papermill raises on the first failing cell."
    import papermill as pm
    cells = [nbformat.v4.new_code_cell("n = 1  # smoke: 2", metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell("assert n == 1, 'broken on purpose'")]
    path = tmp_path / "broken.ipynb"
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "python3", "language": "python"}})
    nbformat.write(nb, path)
    assert nbrun.smoke_parameters(path) == {"n": 2}
    with pytest.raises(pm.PapermillExecutionError, match="broken on purpose"):
        nbrun.execute(path, tmp_path / "out.ipynb", {"n": 2}, results_dir, timeout=60)


def test_index_maps_every_lesson():
    "The landing page links every lesson notebook with its Colab badge."
    index = "\n".join(c.source for c in nbformat.read(nbrun.NBS / "index.ipynb", as_version=4).cells)
    for nb in LESSONS:
        assert f"]({nb.name})" in index and nbrun.colab_badge(nb.name) in index, f"index.ipynb does not map {nb.name}"


def test_links_match_settings():
    "Badges and clone URLs are built from settings.ini (user/repo/branch): nothing stale."
    stale = [nb.name for nb in NOTEBOOKS if nbrun.sync_links(nb, write=False)]
    assert not stale, f"stale Colab links in {stale}: run `make sync-links`"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_papermill_reads_every_parameter(nb):
    "papermill skips a line it cannot parse (e.g. a '=' inside the comment) and then calls the override unknown."
    from papermill.translators import PythonTranslator
    cell = nbrun.parameters_cell(nb)
    import ast
    assigned = {t.id for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    found = {p.name for p in PythonTranslator.inspect(cell)}
    assert assigned <= found, f"{nb.name}: papermill cannot read {sorted(assigned - found)} (no '=' in comments)"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_outputs_are_clean(nb):
    "The committed outputs (what GitHub and the docs show) carry no tracebacks and no library warnings."
    for i, cell in enumerate(nbformat.read(nb, as_version=4).cells):
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"{nb.name} cell {i}: stored traceback"
            text = out.get("text", "") if out.output_type == "stream" else ""
            assert "Warning:" not in text and "warnings.warn" not in text, f"{nb.name} cell {i}: {text[:200]}"


def test_results_table_renders_recorded_tables():
    rows = [{"notebook": "nb", "key": "speed", "value": 1.234567, "unit": "x"},
            {"notebook": "nb", "key": "scores", "unit": "table",
             "value": {"columns": ["model", "F1"], "rows": [["multi", "0.812"], ["a|b", ""]]}}]
    text = nbrun.results_table(rows)
    assert "| `nb` | speed | 1.235 x |" in text and "scores" not in text.split("\n\n")[0]
    assert "`nb`: scores\n\n| model | F1 |\n|---|---|\n| multi | 0.812 |\n| a\\|b |  |" in text
