"""Delivery: the workers that take due messages from the outbox and hand them to channels.

The outbox is the touchpoint table (rows of kind ``message``), written in the unit of work of
whatever planned them. :mod:`.outbox` claims due rows in batches with a lease; :mod:`.service`
re-checks consent, applies quiet hours, renders the templates (:mod:`.templates`), hands each
batch to its channel (:mod:`.channel`, plugins add channels) and records sent / suppressed /
failed with back-off; every outcome is audited. See docs/delivery.md.
"""
