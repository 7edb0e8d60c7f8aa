"""The agents of the reference engine: customers, employees and managers."""

from __future__ import annotations

import mesa

__all__ = ["Customer", "Employee", "Manager", "FRONTLINE", "BACK_OFFICE"]

FRONTLINE = "frontline"
BACK_OFFICE = "back_office"


class Customer(mesa.Agent):
    """A customer account.

    Attributes:
        segment: 0 regular, 1 price-sensitive, 2 opportunist.
        satisfaction: in [0, 1], moved by each encounter's experience.
        propensity: mean service contacts per business day.
        sensitivity: price sensitivity in [0, 1].
        expected_wait_min: the wait this customer has learned to expect (patience adapts to it).
        tenure_days: days since the customer joined.
        pending_repeats: unresolved contacts that come back tomorrow (failure demand).
        referred: whether the customer came through a referral.
        abuser: a serial abuser (an opportunist who claims often and for much).
        learned_limit: a serial abuser who has met the discretion limit (and keeps claims under it).
    """

    def __init__(
        self,
        model: mesa.Model,
        segment: int,
        satisfaction: float,
        propensity: float,
        sensitivity: float,
        referred: bool = False,
        abuser: bool = False,
    ):
        super().__init__(model)
        self.segment = segment
        self.satisfaction = satisfaction
        self.propensity = propensity
        self.sensitivity = sensitivity
        self.expected_wait_min = 0.0
        self.tenure_days = 0
        self.pending_repeats = 0
        self.referred = referred
        self.abuser = abuser
        self.learned_limit = False


class Employee(mesa.Agent):
    """A frontline or back-office employee.

    Skills are innate (from hiring) plus a trained part that decays without
    ongoing support. ``productivity`` is the ramp-up factor of a new hire.
    """

    def __init__(
        self,
        model: mesa.Model,
        role: str,
        technical: float,
        soft: float,
        fit: float,
        engagement: float,
        manager: Manager,
        tenure_days: float = 0.0,
    ):
        super().__init__(model)
        self.role = role
        self.technical_innate = technical
        self.soft_innate = soft
        self.technical_trained = 0.0
        self.soft_trained = 0.0
        self.fit = fit
        self.engagement = engagement
        self.stress = 0.0
        self.tenure_days = tenure_days
        self.manager = manager
        self.productivity = 1.0
        self.mirror = 0.8
        # Counters of the current day, reset each morning.
        self.busy_min = 0.0
        self.served = 0
        self.experience_sum = 0.0
        self.on_duty = False

    @property
    def technical(self) -> float:
        return min(1.0, self.technical_innate + self.technical_trained)

    @property
    def soft(self) -> float:
        return min(1.0, self.soft_innate + self.soft_trained)

    def reset_day(self) -> None:
        self.busy_min = 0.0
        self.served = 0
        self.experience_sum = 0.0
        self.on_duty = False


class Manager(mesa.Agent):
    """A manager: approves exceptions and sets the leadership example.

    Attributes:
        consistency: how consistently this manager models the firm's values, in [0, 1].
        belief: how far the manager's reports believe the example (perceived consistency, with a lag).
    """

    def __init__(self, model: mesa.Model, consistency: float, belief: float):
        super().__init__(model)
        self.consistency = consistency
        self.belief = belief
        self.reports = 0
