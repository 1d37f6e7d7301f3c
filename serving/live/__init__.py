"""Live sessions: an instructor's page that a class follows, and anonymous predict-then-reveal.

A session is a few small records in the shared cache (serving/cache.py's backend: Redis on a
class server, the bounded in-process cache on a laptop), so any worker on any host answers
any request; nothing lives in a worker. Every record expires (`store.SESSION_TTL`) and is
bounded in size; votes are anonymous (a random per-browser token, hashed, one answer each).

codes.py     session codes, instructor tokens and voter tokens (what is valid, how made)
backend.py   the few cache operations a session needs, atomic where votes need it
validate.py  request bodies -> checked values, or the sentence a 400 says
store.py     create, read, publish, ask, vote, reveal, end
"""
