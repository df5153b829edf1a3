"""The built-in input readers (pictures, clips, audio, PDF, documents), registered through the plugin hook."""

from __future__ import annotations

from reelwright.hookspecs import Register, hookimpl
from reelwright.ingest.documents import inspect_document
from reelwright.ingest.files import inspect_audio, inspect_image, inspect_pdf, inspect_video


@hookimpl
def register_input_readers(register: Register) -> None:
    register("image", inspect_image)
    register("video", inspect_video)
    register("audio", inspect_audio)
    register("pdf", inspect_pdf)
    register("document", inspect_document)  # pptx, docx, markdown, text, html
