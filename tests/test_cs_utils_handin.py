"""cs_utils.handin: what goes into the zip beside each notebook, and what is left out with a note."""

from __future__ import annotations

import zipfile

from cs_utils import handin

BIG = handin.MAX_BYTES + 1


def notebook_folder(tmp_path, name="12_complexity"):
    folder = tmp_path / "notebooks" / name
    folder.mkdir(parents=True)
    notebook = folder / f"{name}.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    return notebook


def sparse(path, size):
    """A file of ``size`` bytes that takes no disk space."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)
    return path


def test_files_beside_a_notebook_go_with_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CS_DATA_DIR", str(tmp_path / "elsewhere"))
    notebook = notebook_folder(tmp_path)
    folder = notebook.parent
    (folder / "challenge_checkpoint.pt").write_bytes(b"weights")
    (folder / "results" / "curve.json").parent.mkdir()
    (folder / "results" / "curve.json").write_text("[]")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "x-checkpoint.ipynb").write_text("{}")
    files, notes = handin.beside(notebook)
    assert files == [folder / "challenge_checkpoint.pt", folder / "results" / "curve.json"] and notes == []


def test_a_checkpoint_over_the_limit_is_left_out_with_a_note_that_says_what_to_do(tmp_path, monkeypatch,
                                                                                  capsys):
    """It used to be dropped without a word, and the challenge then scored 0."""
    monkeypatch.setenv("CS_DATA_DIR", str(tmp_path / "elsewhere"))
    notebook = notebook_folder(tmp_path)
    sparse(notebook.parent / "challenge_checkpoint.pt", BIG)
    sparse(notebook.parent / "embeddings.npy", BIG)
    target = handin.pack([notebook], "s1", tmp_path / "out")
    assert zipfile.ZipFile(target).namelist() == ["12_complexity/12_complexity.ipynb"]
    out = capsys.readouterr().out
    assert "note: 12_complexity/challenge_checkpoint.pt (50 MB) left out" in out
    assert "Save a smaller model" in out and "hand the file in separately" in out
    assert "note: 12_complexity/embeddings.npy (50 MB) left out" in out


def test_downloaded_datasets_stay_out_with_a_note(tmp_path, monkeypatch):
    """A kernel started in the notebook's folder may download CIFAR-10 there: 180 MB the grader has."""
    notebook = notebook_folder(tmp_path)
    folder = notebook.parent
    monkeypatch.setenv("CS_DATA_DIR", str(folder / "my-data"))  # the course's data folder, inside it
    (folder / "data" / "cifar-10-batches-py").mkdir(parents=True)
    (folder / "data" / "cifar-10-batches-py" / "data_batch_1").write_bytes(b"images")
    (folder / "data" / "cifar-10-python.tar.gz").write_bytes(b"archive")
    (folder / "MNIST" / "raw").mkdir(parents=True)
    (folder / "MNIST" / "raw" / "train-images-idx3-ubyte").write_bytes(b"digits")
    (folder / "my-data").mkdir()
    (folder / "my-data" / "anything.bin").write_bytes(b"data")
    (folder / "data" / "my_model.pt").write_bytes(b"weights")  # a folder named data is not a dataset
    files, notes = handin.beside(notebook)
    assert files == [folder / "data" / "my_model.pt"]
    assert notes == [f"{name} left out: a downloaded dataset (the grader has its own copy)"
                     for name in ("MNIST/", "data/cifar-10-batches-py/", "data/cifar-10-python.tar.gz",
                                  "my-data/")]


def test_the_course_data_folder_as_the_notebooks_own_folder_leaves_its_files_in(tmp_path, monkeypatch):
    notebook = notebook_folder(tmp_path)
    monkeypatch.setenv("CS_DATA_DIR", str(notebook.parent))  # odd, but the checkpoint must still go
    (notebook.parent / "challenge_checkpoint.pt").write_bytes(b"weights")
    assert handin.beside(notebook) == ([notebook.parent / "challenge_checkpoint.pt"], [])


def notebook_with_output(path, source_chars: int, output_chars: int):
    """A one-cell notebook: ``source_chars`` of code, ``output_chars`` of printed output."""
    import json

    cell = {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "x" * source_chars,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "y" * output_chars}]}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_a_notebook_too_large_only_by_its_outputs_is_graded_without_them(tmp_path, monkeypatch):
    """What the grader does (tools/grading/collect.py reads these limits and this function here)."""
    from tools.grading import collect

    monkeypatch.setattr(handin, "MAX_BYTES", 4000)
    monkeypatch.setattr(collect, "MAX_NOTEBOOK_BYTES", 4000)
    notebook = notebook_with_output(tmp_path / "07_dropout.ipynb", 100, 10_000)
    [note] = handin.problems(notebook)
    assert "graded without them" in note and "Clear Outputs" in note
    staged, why = collect.stageable(notebook.read_bytes())
    assert staged == handin.without_outputs(notebook.read_bytes()) and len(staged) < 4000 and why

    notebook_with_output(notebook, 10_000, 0)
    assert "the grader ignores it" in handin.problems(notebook)[0]
    assert collect.stageable(notebook.read_bytes()) == (notebook.read_bytes(), "")


def test_a_notebook_over_the_handin_limit_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setattr(handin, "MAX_HANDIN_NOTEBOOK_BYTES", 4000)
    notebook = notebook_with_output(tmp_path / "07_dropout.ipynb", 100, 10_000)
    assert handin.problems(notebook) == ["larger than 0 MB: the grader ignores it (clear big outputs "
                                         "(Edit > Clear Outputs of All Cells) and save)"]
