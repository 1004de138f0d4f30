"""Cache: what earlier builds computed (``store``), the per-user key that signs it (``key``)
and the lock that keeps two builds of a digest apart (``lock``)."""
