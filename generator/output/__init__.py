"""Output: the write stage. Puts rendered files on disk atomically and never through a link
(``writer``), and decides where the output folder may go (``placement``)."""
