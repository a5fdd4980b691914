"""Historical tenders and bids brought in from files or generated for the demo.

A leaf package: it writes tenders and bids, and nothing imports it but commands.
"""
