"""bench.memory_timeline's summary of a resident-size timeline."""
from bench.memory_timeline import summarise


def test_levels_peaks_and_the_write_stage_are_read_from_the_marks():
    samples = [(0.0, 100.0), (1.0, 300.0), (2.0, 250.0), (3.0, 320.0), (4.0, 260.0), (5.0, 400.0), (6.0, 280.0)]
    marks = [(0.5, "nlp_start", 120.0), (1.5, "nlp_end", 240.0), (2.5, "nlp_start", 250.0), (3.5, "nlp_end", 262.0),
             (4.5, "write_start", 261.0)]
    assert summarise(samples, marks) == {
        "levels_after_nlp_batches": [240, 262],  # read as each batch ended
        "nlp_batch_peaks": [300, 320],
        "write_stage_peak": 400,
        "run_peak": 400,
    }


def test_a_run_without_nlp_batches_or_files_has_only_its_peak():
    assert summarise([(0.0, 90.0), (1.0, 95.0)], []) == {
        "levels_after_nlp_batches": [], "nlp_batch_peaks": [], "write_stage_peak": None, "run_peak": 95}
