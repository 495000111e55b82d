"""The read-only table every page shows its rows in: whole rows selected, never edited, no
row numbers, and Tab moving on to the next control rather than cell by cell."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget


def read_only_table(name: str, accessible: str, model, parent: QWidget, *,
                    single: bool = False, alternating: bool = True) -> QTableView:
    view = QTableView(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(alternating)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    return view
