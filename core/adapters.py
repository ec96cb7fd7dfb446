from allauth.account.adapter import DefaultAccountAdapter


class StaffAccountAdapter(DefaultAccountAdapter):
    """Ponte is a back office: accounts are created by a manager, never by signing up."""

    def is_open_for_signup(self, request):
        return False
