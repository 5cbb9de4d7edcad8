"""Chain of custody (ISO 22095:2020): how a claimed characteristic (recycled, bio-based content) follows
material through the supply chain.

Models (ISO 22095 clause 5): identity preserved, segregated, controlled blending (``physical``), mass balance
(``mass_balance`` with ``period_close`` for many accounts at once) and book-and-claim (``book_and_claim``).
Claims become unsigned W3C VC 2.0 credentials (``claims``); ``junkan.credentials`` signs them.
"""

__all__: list[str] = []
