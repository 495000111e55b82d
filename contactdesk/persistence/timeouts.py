"""How long anything may wait on the database (every wait is bounded).

A desk never hangs: connecting, waiting for a row another desk is saving, a
statement, a transaction left open, a dead network (TCP keepalives) and a
locked SQLite file all give up after these and say so in plain words.
"""

CONNECT_TIMEOUT_S = 5          # reaching the server
LOCK_TIMEOUT_S = 5             # a row or table another desk holds
STATEMENT_TIMEOUT_S = 60       # any one statement (migrations lift it)
IDLE_IN_TRANSACTION_S = 60     # a transaction left open by a crashed or frozen desk
POOL_TIMEOUT_S = 10            # waiting for a free connection in this process
SQLITE_BUSY_S = 15             # another writer holding the SQLite file
# A dead peer is noticed within about 10 + 3 * 5 seconds, or 20 s of unacknowledged data.
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
             "keepalives_count": 3, "tcp_user_timeout": 20_000}


def postgres_connect_args() -> dict:
    options = (f"-c lock_timeout={LOCK_TIMEOUT_S * 1000} "
               f"-c statement_timeout={STATEMENT_TIMEOUT_S * 1000} "
               f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_S * 1000}")
    return {"connect_timeout": CONNECT_TIMEOUT_S, "options": options, **KEEPALIVE}
