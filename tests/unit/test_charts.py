from junkan.web.charts import Band, Series, bar_chart, fan_chart, line_chart


def test_bar_chart_escapes_labels_and_describes_values() -> None:
    svg = str(bar_chart([("<script>", 3.0), ("b", 1.0)], title="T"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<desc>&lt;script&gt;: 3; b: 1</desc>" in svg


def test_line_chart_leaves_gaps_for_missing_values() -> None:
    svg = str(line_chart([Series("s", [(2020, 1.0), (2021, None), (2022, 2.0)])], title="T"))
    assert "2021=missing" in svg
    assert "<polyline" not in svg  # two isolated points: no line drawn across the gap


def test_fan_chart_has_band_and_median() -> None:
    svg = str(fan_chart([Band("x", [1, 2], [0, 1], [1, 2], [2, 3])], title="T"))
    assert "<polygon" in svg and "P50 2" in svg
