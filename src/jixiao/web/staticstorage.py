"""Static files in production: hashed, compressed names (WhiteNoise), and never a 500 for a missing manifest.

Django's manifest storage raises when a file is not in the manifest (``collectstatic`` not run, or
run for an older release), which turns every page into a 500. Here a missing manifest or entry
falls back to the plain name, which WhiteNoise serves from the package's own files
(``WHITENOISE_USE_FINDERS``); ``jixiao serve`` collects the files at start so that the hashed names
(cached for a year) are used.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def url(self, name: str, force: bool = False) -> str:  # noqa: FBT001, FBT002 - Django's signature
        try:
            return super().url(name, force)
        except ValueError:  # no manifest entry and no collected file to hash
            from django.contrib.staticfiles.storage import StaticFilesStorage

            return StaticFilesStorage.url(self, name)
