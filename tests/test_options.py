"""Command-line flags: news-ingest's own, Beam's, and the ones neither defines."""
import pytest

from pipelines.options import parse_args, unknown_beam_flags

BASE = ["--input", "seeds", "--output", "out"]


def test_beam_flags_pass_through_to_pipeline_options():
    config, beam_args = parse_args(BASE + ["--runner", "DataflowRunner", "--max_num_workers=3",
                                           "--direct_num_workers", "2", "--experiments", "use_runner_v2"])
    assert config.output == "out"
    assert beam_args == ["--runner", "DataflowRunner", "--max_num_workers=3", "--direct_num_workers", "2",
                         "--experiments", "use_runner_v2"]
    assert unknown_beam_flags(beam_args) == []


@pytest.mark.parametrize("typo, suggestion", [
    (["--model", "en_core_web_md"], "--spacy_model"),
    (["--max_num_worker=3"], "--max_num_workers"),
    (["--direct-num-workers", "2"], "--direct_num_workers"),
])
def test_a_flag_nobody_defines_is_an_error_naming_the_nearest_one(typo, suggestion, capsys):
    # Beam alone would log "Unparseable argument" and run on without it.
    with pytest.raises(SystemExit) as stop:
        parse_args(BASE + typo)
    assert stop.value.code == 2
    error = capsys.readouterr().err
    assert f"unrecognised option {typo[0].split('=')[0]} (did you mean {suggestion}?)" in error


def test_an_unknown_flag_with_no_near_neighbour_is_named_alone(capsys):
    with pytest.raises(SystemExit):
        parse_args(BASE + ["--zzzzzz"])
    assert "unrecognised option --zzzzzz (neither news-ingest nor Apache Beam defines it)" in capsys.readouterr().err


def test_a_model_that_is_not_installed_stops_the_run_before_beam_starts(tmp_path, capsys):
    from pipelines.launch import prepare

    (tmp_path / "a.txt").write_text("Title\n\nBody text of an article.")
    argv = ["--input", str(tmp_path / "a.txt"), "--output", str(tmp_path / "out"), "--spacy_model", "no_such_model_x"]
    assert prepare(argv, "batch", save_main_session=False) is None
    assert "spaCy model 'no_such_model_x' is not installed" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    # On Dataflow the workers have their own packages: the launcher does not judge them.
    assert prepare(argv + ["--runner", "DataflowRunner"], "batch", save_main_session=False) is not None


def test_model_names_and_folders_are_recognised_without_loading_them(tmp_path):
    from transforms.nlp.model import FALLBACK_MODEL, is_installed

    assert is_installed(FALLBACK_MODEL) and is_installed(str(tmp_path))
    assert not is_installed("no_such_model_x") and not is_installed("no_such.package")
