"""A tab widget whose pages are built the first time they are shown or asked for."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget


class PageTabs(QTabWidget):
    """Tabs whose pages are built the first time they are shown or asked for.

    Until then a tab holds an empty stand-in, so the window paints without building
    (and loading the data of) pages nobody may open. ``widget``, ``currentWidget``,
    ``indexOf`` and ``setCurrentWidget`` speak of the pages themselves.
    """

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self._builders: dict[QWidget, Callable[[], QWidget]] = {}
        self._pages: dict[QWidget, QWidget] = {}  # stand-in -> the page built in it
        self.currentChanged.connect(self.page)  # first: later listeners see the page built

    def add_page(self, text: str, build: Callable[[], QWidget], tip: str = "") -> int:
        holder = QWidget()
        QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
        self._builders[holder] = build
        index = self.addTab(holder, text)
        if tip:
            self.setTabToolTip(index, tip)
        return index

    def is_built(self, index: int) -> bool:
        return super().widget(index) not in self._builders

    def page(self, index: int) -> QWidget | None:
        holder = super().widget(index)
        build = self._builders.pop(holder, None)
        if build is not None:
            page = self._pages[holder] = build()
            holder.layout().addWidget(page)
            page.show()  # now, not when the layout gets round to it: keys and focus need it
            holder.layout().activate()
        return self._pages.get(holder, holder)

    def widget(self, index: int) -> QWidget | None:
        return self.page(index)

    def currentWidget(self) -> QWidget | None:
        return self.page(self.currentIndex())

    def indexOf(self, page: QWidget) -> int:
        holder = next((h for h, built in self._pages.items() if built is page), page)
        return super().indexOf(holder)

    def setCurrentWidget(self, page: QWidget) -> None:
        self.setCurrentIndex(self.indexOf(page))
