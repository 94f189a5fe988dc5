"""The refusal of a whole file, shared by the readers."""


class FileRejected(Exception):
    """The file as a whole cannot be imported; `code` names a message in reports.imports.messages."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params
