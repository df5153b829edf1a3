"""The storyboard model: valid ones round-trip, invalid ones name the offending field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reelwright.errors import InputError
from reelwright.storyboard import BulletSlide, ImageScene, Scene, Storyboard, TitleCard


def _board(**kw: object) -> Storyboard:
    scenes = [Scene(id="a", narration="Hello there.", visual=TitleCard(heading="Hi"))]
    return Storyboard(title="T", scenes=scenes, **kw)  # type: ignore[arg-type]


def test_round_trip_and_standard_sizes() -> None:
    board = _board(orientation="portrait")
    assert board.size == (1080, 1920)
    again = Storyboard.from_json(board.to_json())
    assert again == board
    assert _board().size == (1920, 1080)


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d["scenes"][0]["visual"].update(bullets=[]), "scenes.0.visual.bullets.bullets"),
        (lambda d: d.update(orientation="diagonal"), "orientation"),
        (lambda d: d.update(fps=31), "fps"),
        (lambda d: d["scenes"][0].update(id="has space"), "scenes.0.id"),
        (lambda d: d.update(scenes=[]), "scenes"),
        (lambda d: d.update(width=1281, height=720), "(root)"),
        (lambda d: d.update(width=720, height=1280), "(root)"),  # 9:16 but "orientation": "landscape"
        (lambda d: d.update(width=3840, height=2400), "(root)"),
        (lambda d: d.update(surprise=1), "surprise"),
        (lambda d: d.update(version=2), "version"),
    ],
)
def test_invalid_storyboards_name_the_field(mutate: object, field: str) -> None:
    data = json.loads(
        Storyboard(
            title="T", scenes=[Scene(id="s1", visual=BulletSlide(heading="H", bullets=["one"]))]
        ).to_json()
    )
    assert callable(mutate)
    mutate(data)
    with pytest.raises(InputError) as exc:
        Storyboard.from_json(json.dumps(data))
    message = str(exc.value)
    assert message.startswith("invalid storyboard: ")
    assert f" {field}:" in message or f": {field}" in message


def test_duplicate_scene_ids_rejected() -> None:
    text = json.dumps(
        {
            "title": "T",
            "scenes": [
                {"id": "x", "visual": {"kind": "title", "heading": "a"}},
                {"id": "x", "visual": {"kind": "title", "heading": "b"}},
            ],
        }
    )
    with pytest.raises(InputError, match="used twice"):
        Storyboard.from_json(text)


def test_not_json() -> None:
    with pytest.raises(InputError, match="not valid JSON"):
        Storyboard.from_json("{nope")


def test_relative_paths_resolve_against_the_file(tmp_path: Path) -> None:
    board = Storyboard(title="T", scenes=[Scene(id="p", visual=ImageScene(source="pics/a.png"))])
    path = tmp_path / "sb.json"
    path.write_text(board.to_json())
    loaded = Storyboard.load(path)
    visual = loaded.scenes[0].visual
    assert isinstance(visual, ImageScene)
    assert visual.source == str(tmp_path / "pics" / "a.png")


def test_script_video_fields_round_trip_and_stay_optional(tmp_path: Path) -> None:
    """Colour and full-frame backgrounds, per-scene placement, voice and recorded speech: all
    optional (an old storyboard's JSON is unchanged), all checked, paths resolved like the rest."""
    plain = _board()
    assert "placement" not in plain.to_json() and "speech" not in plain.to_json()
    text = json.dumps(
        {
            "title": "Script",
            "burn_captions": True,
            "scenes": [
                {
                    "id": "a",
                    "narration": "Hello.",
                    "visual": {"kind": "color", "color": "#1E6FD9"},
                    "voice": "espeak-en-us",
                    "voice_speed": 1.2,
                    "placement": {"style": "close_up", "scale": 0.8, "offset_x": 0.25},
                },
                {
                    "id": "b",
                    "speech": "hello.wav",
                    "visual": {"kind": "video", "source": "clip.mp4", "fill": True, "loop": False},
                    "placement": {"style": "circle"},
                },
            ],
        }
    )
    board = Storyboard.from_json(text, base_dir=tmp_path)
    assert board.scenes[1].speech == str(tmp_path / "hello.wav")
    assert Storyboard.from_json(board.to_json()) == board


@pytest.mark.parametrize(
    ("scene", "field"),
    [
        ({"visual": {"kind": "color", "color": "blue"}}, "visual.color.color"),
        ({"visual": {"kind": "color", "color": "#000000"}, "placement": {"scale": 3}}, "placement.scale"),
        (
            {"visual": {"kind": "color", "color": "#000000"}, "placement": {"style": "closeUp"}},
            "placement.style",
        ),
        (
            {"visual": {"kind": "color", "color": "#000000"}, "placement": {"offset_y": -1.5}},
            "placement.offset_y",
        ),
        (
            {"visual": {"kind": "color", "color": "#000000"}, "narration": "Hi.", "speech": "a.wav"},
            "scenes.0",
        ),
    ],
)
def test_script_video_fields_are_checked(scene: dict[str, object], field: str) -> None:
    text = json.dumps({"title": "T", "scenes": [{"id": "a", **scene}]})
    with pytest.raises(InputError) as info:
        Storyboard.from_json(text)
    assert field in str(info.value)
