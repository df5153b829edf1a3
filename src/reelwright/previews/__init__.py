"""Preview media: the catalogues' presenter, voice and style samples, and photo looks' clips.

Drawing a preview takes the same engines a video does, so this package sits above all of them and
none of them imports it (nor each other to draw a sample). The engine packages are layered, each
importing only packages to its right, never back:

    previews -> render -> avatar -> voice        styles (fonts, palettes, brand kits)
                      -> styles                  is imported by render, never the reverse

Typography belongs to the style (``styles.fonts``) and mouth shapes come from the narration's
phonemes (``voice.visemes``); ``tests/test_architecture.py`` checks that the package graph stays a
DAG.

- ``cache``: the catalogue previews, rendered on first request into the data dir (re-exported here).
- ``avatar``, ``voice``, ``style``: the renderers the cache calls, one per kind.
- ``photo``: a user's photo look's clip, kept in the blob store beside its portrait.
"""

from reelwright.previews.cache import (
    FILES,
    KINDS,
    Kind,
    PreviewCache,
    Renderer,
    UnknownPreview,
    catalogue_ids,
)

__all__ = ["FILES", "KINDS", "Kind", "PreviewCache", "Renderer", "UnknownPreview", "catalogue_ids"]
