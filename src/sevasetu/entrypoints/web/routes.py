from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Web pages are added by the web shell (being written)."""
