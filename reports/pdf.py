"""The only place that renders PDFs.

WeasyPrint is imported lazily so that web processes which never render pay nothing for it.
Documents are rendered from a string against a made-up origin, and the URL fetcher serves only
the app's own static files and the media files named for the document: no `file:` URLs, no
other hosts, no redirects. Text from participants is escaped by the template engine, so markup
in a name shows literally and can fetch nothing.
"""

from collections.abc import Iterable
from functools import cache
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

DOCUMENT_ORIGIN = "https://document.tpbis.invalid/"
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
def _base_stylesheet():
    from weasyprint import CSS

    path = finders.find(PDF_STYLESHEET)
    with open(path, encoding="utf-8") as css_file:
        return CSS(
            string=css_file.read(),
            base_url=DOCUMENT_ORIGIN,
            url_fetcher=make_url_fetcher(),
            font_config=_font_config(),
        )


def make_url_fetcher(allowed_media: Iterable[str] = ()):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = frozenset(allowed_media)

    class DocumentURLFetcher(URLFetcher):
        def fetch(self, url: str, headers=None) -> URLFetcherResponse:
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}/" != DOCUMENT_ORIGIN or parts.query:
                raise ValueError(f"Refused to fetch {url!r}")
            path = unquote(parts.path)
            if path.startswith(_static_prefix()):
                relative = path.removeprefix(_static_prefix())
                found = ".." not in relative.split("/") and finders.find(relative)
                if found:
                    with open(found, "rb") as static_file:
                        return URLFetcherResponse(url, static_file.read())
            elif path.startswith(_media_prefix()):
                name = path.removeprefix(_media_prefix())
                if name in allowed:
                    with default_storage.open(name, "rb") as media_file:
                        return URLFetcherResponse(url, media_file.read())
            raise ValueError(f"Refused to fetch {url!r}")

    return DocumentURLFetcher(allow_redirects=False)


def media_url(name: str) -> str:
    """The URL under which a document embeds the stored media file `name`.

    The fetcher serves it only when `name` is also passed in the render's `allowed_media`.
    """
    return DOCUMENT_ORIGIN + _media_prefix().lstrip("/") + quote(name)


def render_pdf(
    template_name: str,
    context: dict,
    *,
    allowed_media: Iterable[str] = (),
    image_cache: dict | None = None,
) -> bytes:
    """Render a Django template to PDF bytes.

    `image_cache` may be shared by renders of a batch that embed the same images (logos,
    signatures), so each is fetched and decoded once per batch rather than once per page.
    """
    return render_html_pdf(
        render_to_string(template_name, context),
        allowed_media=allowed_media,
        image_cache=image_cache,
    )


def render_html_pdf(
    html: str, *, allowed_media: Iterable[str] = (), image_cache: dict | None = None
) -> bytes:
    """Render an HTML string (already escaped by the template engine) to PDF bytes."""
    from weasyprint import HTML

    document = HTML(
        string=html, base_url=DOCUMENT_ORIGIN, url_fetcher=make_url_fetcher(allowed_media)
    )
    return document.write_pdf(
        stylesheets=[_base_stylesheet()], font_config=_font_config(), cache=image_cache
    )
