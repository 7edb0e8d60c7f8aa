"""The classroom: a live dashboard of one firm and a team game, served in the browser (Solara).

* :mod:`.levers`: the levers a class moves (keys, ranges, labels), shared by the dashboard and the game.
* :mod:`.game`: the team game as plain Python over SQLite (open a game, join, set levers, commit, simulate a
  quarter under common random numbers, the board, the debrief); testable without a browser.
* :mod:`.dashboard`: the Solara components of the live firm (on Mesa's ``SolaraViz``) and the what-if panel.
* :mod:`.pages`: the game and board pages.
* :mod:`.app`: the Solara app (routes ``/``, ``/game``, ``/board``), served by ``focussim dashboard``.

Only the public API (``simulation.load_scenario``, ``simulation.run``, ``simulation.studies``,
``simulation.metrics``) and the reference engine's ``FirmModel`` are used here.
"""
