"""The only place that renders PDFs.

WeasyPrint is imported lazily so that web processes which never render pay nothing for it.
Documents are rendered from a string against a made-up origin, and the URL fetcher serves only
the app's own static files, the media files named for the document and the images made for it
in memory (QR codes): no `file:` URLs, no other hosts, no redirects. Text from participants is
escaped by the template engine, so markup in a name shows literally and can fetch nothing.
"""

import gc
import io
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from contextlib import ExitStack, contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from programs.files import open_stored

DOCUMENT_ORIGIN = "https://document.tpbis.invalid/"
# Allocations between young-generation collections while rendering (the default is 700).
RENDER_GC_THRESHOLD = 50_000
PDF_STYLESHEET = "css/pdf.css"


def _static_prefix() -> str:
    return "/" + settings.STATIC_URL.strip("/") + "/"


def _media_prefix() -> str:
    return "/" + settings.MEDIA_URL.strip("/") + "/"


@cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _stylesheet(name: str = PDF_STYLESHEET):
    from weasyprint import CSS

    path = finders.find(name)
    if not path:
        raise FileNotFoundError(f"The PDF stylesheet {name} was not found")
    with open(path, encoding="utf-8") as css_file:
        return CSS(
            string=css_file.read(),
            base_url=DOCUMENT_ORIGIN,
            url_fetcher=make_url_fetcher(),
            font_config=_font_config(),
        )


def make_url_fetcher(allowed_media: Iterable[str] = (), generated: Mapping[str, bytes] = ()):
    """The only fetcher documents get; `generated` maps `generated_url()`s to their bytes."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = frozenset(allowed_media)
    generated = dict(generated)

    class DocumentURLFetcher(URLFetcher):
        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}/" != DOCUMENT_ORIGIN or parts.query:
                raise ValueError(f"Refused to fetch {url!r}")
            path = unquote(parts.path)
            if url in generated:
                return URLFetcherResponse(url, generated[url])
            if path.startswith(_static_prefix()):
                relative = path.removeprefix(_static_prefix())
                found = ".." not in relative.split("/") and finders.find(relative)
                if found:
                    with open(found, "rb") as static_file:
                        return URLFetcherResponse(url, static_file.read())
            elif path.startswith(_media_prefix()):
                name = path.removeprefix(_media_prefix())
                if name in allowed:
                    # Through the storage: from the bucket when files are kept in one.
                    with open_stored(name)[0] as media_file:
                        return URLFetcherResponse(url, media_file.read())
            raise ValueError(f"Refused to fetch {url!r}")

    return DocumentURLFetcher(allow_redirects=False)


def media_url(name: str) -> str:
    """The URL under which a document embeds the stored media file `name`.

    The fetcher serves it only when `name` is also passed in the render's `allowed_media`.
    """
    return DOCUMENT_ORIGIN + _media_prefix().lstrip("/") + quote(name)


def generated_url(name: str) -> str:
    """The URL under which a document embeds an image made for it (passed as `generated`)."""
    return f"{DOCUMENT_ORIGIN}generated/{quote(name)}"


def render_pdf(
    template_name: str,
    context: dict,
    *,
    allowed_media: Iterable[str] = (),
    generated: Mapping[str, bytes] = (),
    image_cache: dict | None = None,
    stylesheet: str = PDF_STYLESHEET,
) -> bytes:
    """Render a Django template to PDF bytes.

    `image_cache` may be shared by renders of a batch that embed the same images (logos,
    signatures), so each is fetched and decoded once per batch rather than once per page.
    `stylesheet` names the static stylesheet: documents with a sheet of their own (certificates)
    skip the cascade of every other document's rules.
    """
    return render_html_pdf(
        render_to_string(template_name, context),
        allowed_media=allowed_media,
        generated=generated,
        image_cache=image_cache,
        stylesheet=stylesheet,
    )


def render_html_pdf(
    html: str,
    *,
    allowed_media: Iterable[str] = (),
    generated: Mapping[str, bytes] = (),
    image_cache: dict | None = None,
    stylesheet: str = PDF_STYLESHEET,
) -> bytes:
    """Render an HTML string (already escaped by the template engine) to PDF bytes."""
    from weasyprint import HTML

    document = HTML(
        string=html,
        base_url=DOCUMENT_ORIGIN,
        url_fetcher=make_url_fetcher(allowed_media, generated),
    )
    with _fewer_collections():
        return document.write_pdf(
            stylesheets=[_stylesheet(stylesheet)], font_config=_font_config(), cache=image_cache
        )


@contextmanager
def _fewer_collections():
    """Collect young objects less often while rendering.

    A long document makes millions of short-lived objects (boxes, styles, glyph runs), and at
    the default threshold the collector walks the young ones every 700 allocations: a few per
    cent of a render. Everything is still collected, only in larger batches.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(RENDER_GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def split_onto(background: bytes, foreground: bytes) -> tuple[list[bytes], bytes]:
    """Each page of `foreground` drawn over the first page of `background`: one PDF per page,
    and one PDF of them all.

    Batches render what every page shares once (the background) and only what differs per
    page in one multi-page document (the foreground). The background becomes a form XObject
    under each page. Each single file keeps only the fonts and images its own page uses; the
    pages of the whole document share one copy of the background and of the fonts, which makes
    it the cheap way to a batch's combined PDF.
    """
    import pikepdf

    def saved(document) -> bytes:
        buffer = io.BytesIO()
        document.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return buffer.getvalue()

    files = []
    with (
        pikepdf.open(io.BytesIO(background)) as shared,
        pikepdf.open(io.BytesIO(foreground)) as own,
    ):
        form = shared.pages[0].as_form_xobject()
        # Each page gets resources of its own, listing only what it uses, before it is copied:
        # copying a page copies everything its resources list.
        own.remove_unreferenced_resources()
        for page in own.pages:
            with pikepdf.new() as single:
                single.pages.append(page)
                single.pages[0].add_underlay(single.copy_foreign(form))
                files.append(saved(single))
        own_form = own.copy_foreign(form)
        for page in own.pages:
            page.add_underlay(own_form)
        return files, saved(own)


def select_pages(pages: list[tuple[Path, int]], target: Path) -> Path:
    """Write one PDF of the given (file, page index) pages, in order, to `target`."""
    import pikepdf

    with pikepdf.new() as combined, ExitStack() as sources:
        opened = {}
        for path, index in pages:
            if path not in opened:
                opened[path] = sources.enter_context(pikepdf.open(path))
            combined.pages.append(opened[path].pages[index])
        combined.save(target)
    return target


def combine_pdf_files(paths: list[Path], target: Path) -> Path:
    """Write one PDF with every page of the files at `paths`, in order, to `target`.

    Poppler's pdfunite merges a thousand certificates in about two seconds in 50 MB, outside
    the worker; pikepdf, the fallback where Poppler is not installed, is as fast but holds
    every file in the worker's memory until the merge is written.
    """
    tool = shutil.which("pdfunite")
    if len(paths) == 1:
        shutil.copyfile(paths[0], target)
    elif tool:
        subprocess.run([tool, *map(str, paths), str(target)], check=True, capture_output=True)
    else:
        import pikepdf

        with pikepdf.new() as combined, ExitStack() as sources:
            for path in paths:
                combined.pages.extend(sources.enter_context(pikepdf.open(path)).pages)
            combined.save(target)
    return target
