"""The numba engine's state: struct-of-arrays tables, data types declared once.

Each table is one ``float64`` and one ``int64`` 2-D array (rows are agents
or contacts, columns the attributes named below). Plain arrays rather than
records of arrays: numba reference-counts every array it takes out of a
record, and in the service day's branchy event loop those counts are not
optimised away (measured: about 10 ns per attribute access, which made a
contact cost 1 µs). Columns are module constants, so ``cuf[i, SATISFACTION]``
compiles to one load.
"""

from __future__ import annotations

import numpy as np

from simulation.mechanisms import MAX_REWORKS

__all__ = ["FLOAT", "INT", "MAX_CHAIN", "new_table"]

FLOAT = np.float64
INT = np.int64

#: At most this many back-office passes of one contact (the first and its reworks).
MAX_CHAIN = 1 + MAX_REWORKS

# Customers, float columns (``cuf``).
SATISFACTION = 0  # [0, 1]
PROPENSITY = 1  # mean contacts per business day
SENSITIVITY = 2  # price sensitivity [0, 1]
EXPECTED_WAIT = 3  # min, the wait this customer has learned to expect
CHURN_P = 4  # today's churn probability (recomputed when satisfaction moves)
N_CUSTOMER_F = 5
# Customers, int columns (``cui``).
SEGMENT = 0  # 0 regular, 1 price-sensitive, 2 opportunist
PENDING = 1  # unresolved contacts that come back tomorrow
ABUSER = 2  # 1 for a serial abuser
LEARNED = 3  # 1 for a serial abuser who has met the discretion limit
N_CUSTOMER_I = 4

# Employees, float columns (``ef``).
TECHNICAL_INNATE = 0
SOFT_INNATE = 1
TECHNICAL_TRAINED = 2
SOFT_TRAINED = 3
FIT = 4
ENGAGEMENT = 5
STRESS = 6
TENURE = 7  # days
PRODUCTIVITY = 8  # ramp-up factor
MIRROR = 9  # mean experience of the customers last served (satisfaction mirror)
BUSY = 10  # min busy today
EXPERIENCE_SUM = 11  # experience of today's customers
# Fixed for the day (set by the service day's morning, read per contact instead of recomputed):
MEAN_TIME = 12  # min, mean service time of this employee's step today (frontline or back office)
RESOLUTION = 13  # probability of resolving a contact today, before any failed hand-off
COURTESY = 14  # courtesy [0, 1] today
JUDGEMENT = 15  # judgement in using discretion [0, 1] today
N_EMPLOYEE_F = 16
# Employees, int columns (``ei``).
ROLE = 0  # 0 frontline, 1 back office
MANAGER = 1  # index of the manager
SERVED = 2  # contacts served today
ON_DUTY = 3  # 1 if on the rota today
N_EMPLOYEE_I = 4

# Contacts of one day, float columns (``kf``).
ARRIVAL = 0  # min
PATIENCE_MEAN = 1  # min
DEADLINE = 2  # min: when it reneges if still queuing
START = 3  # min: service start
CLAIM = 4  # USD
ADEQUACY = 5  # recovery adequacy
STEP_START = 6  # min: start of the current back-office or approval step
ESCALATED_AT = 7  # min
APPROVAL_DELAY = 8  # min from escalation to decision
OPENED = 9  # min: when its recovery episode opened (the frontline took the case)
BASE_EXPERIENCE = 10  # the encounter's experience before the problem's outcome
N_CONTACT_F = 11
# Contacts, int columns (``ki``).
CUSTOMER = 0
REPEAT = 1  # 1 for a repeat of an unresolved contact (no revenue)
EMPLOYEE = 2  # frontline employee serving it
EXCEPTION = 3
ABUSIVE = 4
OUTCOME = 5  # mechanisms.NO_PROBLEM ... RESOLVED
HANDOFF = 6  # 1 if it needs the back office
ATTEMPTS = 7  # hand-offs so far
FAILED = 8  # failed hand-offs
CHAIN_N = 9  # back-office workers who touched it
PHASE = 10  # 0 with the frontline, 1 waiting for a manager's decision, 2 being fulfilled by the back office
ON_SPOT = 11  # 1 if its exception is decided on the spot
WORKER = 12  # the back-office worker on its current step
CHAIN = 13  # first of MAX_CHAIN columns: the back-office workers who touched it with the frontline
N_CONTACT_I = CHAIN + MAX_CHAIN


def new_table(rows: int, float_columns: int, int_columns: int) -> tuple[np.ndarray, np.ndarray]:
    """A zeroed table: its float and int arrays."""
    return np.zeros((rows, float_columns), dtype=FLOAT), np.zeros((rows, int_columns), dtype=INT)
