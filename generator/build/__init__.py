"""Build: the pipeline that calls the stages in order (``pipeline``), and the snapshot that
tells a rebuild nothing changed (``fingerprint``)."""

from generator.build.pipeline import BuildOptions, BuildResult, build, load_site, render_site

__all__ = ("BuildOptions", "BuildResult", "build", "load_site", "render_site")
