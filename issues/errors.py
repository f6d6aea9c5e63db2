"""Domain errors of the issues app."""

from django.utils.translation import gettext_lazy as _


class InvalidComplaint(Exception):
    """The complaint cannot be accepted; `errors` maps field names to messages."""

    code = "invalid_complaint"

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


class CategoryUnavailable(InvalidComplaint):
    def __init__(self):
        super().__init__({"category": _("This category is not available.")})


class AlreadyFiled(Exception):
    """This submission key was already used: `complaint` is the report it filed."""

    def __init__(self, complaint):
        self.complaint = complaint
        super().__init__(complaint.reference)


class SupportRefused(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


class InvalidTransition(Exception):
    """A workflow change the rules do not allow; `message` says why, in the user's language."""

    code = "invalid_transition"

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


class UpdateRefused(Exception):
    """A citizen's update that cannot be accepted (the report is closed, the claim unknown, the
    text too long); `message` says why, in the visitor's language."""

    code = "update_refused"

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))
