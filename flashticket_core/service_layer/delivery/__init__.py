"""Delivering the outbox: claim due messages, hand them to a transport, record the outcome.

- `outgoing`: the message as a transport is handed it, with its ticket as it is now (the
  read model every rendering shares, `views.TicketSummary`) and where its threads are;
- `ports`: what the worker needs of a transport (`Transport`) and of the stored outbox
  (`OutboxStore`), and the failures a transport reports;
- `pacing`: the posts per conversation a receiver allows, for a `Pace` the adapter gives;
- `worker`: the `DeliveryWorker` itself, with back-off; `leases`: what it holds.

Guarantees:
- Messages of one ticket go out in the order they were written; a message waits while
  an earlier one of its ticket is still pending (in back-off or claimed elsewhere).
- A temporary failure (rate limit, 5xx, timeout, network) is retried with exponential
  back-off and jitter, never sooner than the server's Retry-After; after MAX_ATTEMPTS the
  message is marked failed and can be retried by an admin. A permanent failure is marked
  failed at once with the reason, and a failed message never holds back the later ones
  of its ticket. Where a person would miss what it said, the failure is told once
  (`FailureNotice`): under the ticket's card, or to the admins by DM when the card
  itself cannot be reached; a notice that fails is not told again.
- Several workers (replicas) may run: a claim is a lease written in its own transaction
  (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer at a time). A worker that
  dies mid-delivery leaves its lease to expire and another worker sends the message.
  The worker reaches the stored messages through `OutboxStore`, every call its own
  committed transaction (SQL in `adapters/sql_outbox.py`, `adapters/sql_outgoing.py`).
- A worker sends only what it holds: its lease is renewed while it works (a slow
  file relay or a slow answer never lets it lapse), checked before each message is
  handed to the transport (and by the transport before a step that cannot be undone,
  such as sharing a file), and outcomes are recorded only where the worker is still
  the holder. A worker that lost a lease (its renewals failed) leaves the message to
  the worker that took it; a batch that runs long records what it sent at once.
- An attempt that may have reached the receiver (its answer was lost, or its worker died
  holding the lease) is marked `maybe_sent` on the next try, so a transport that can
  look first (Slack: the outbox id in the message's metadata) records the message it
  finds instead of sending it again.
- Pacing (optional, `Pace`): each conversation a transport names (`channel_of`) has a
  token bucket, a burst then a steady rate; a message for a conversation that is not
  ready is left for later and the worker goes on with the others, so a busy channel
  never holds up a DM. A rate limit (429) holds that conversation only, for Retry-After.
  Every part of a long text counts against the pace, and in a busy conversation the
  ticket that had the last turn lets another ticket that waited go first.
- Files (kinds planned `on_the_side`) are fetched and shared on a thread of their own, one at a time:
  a slow download never holds up another ticket's message; the file's own ticket waits
  for its first attempt only, not for its retries.
"""
