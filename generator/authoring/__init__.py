"""Authoring: what helps a curator write a digest rather than build it: ``mawjaz new``
(``scaffold``), ``mawjaz import`` (``importer``) and its safe URL fetching (``fetch``)."""
