from allauth.account.adapter import DefaultAccountAdapter

# Recruitment sets this session key while a visitor accepts a valid invitation; there is
# no open sign-up (partners apply at /apply/ and are invited once approved).
SIGNUP_ALLOWED_SESSION_KEY = "prm_signup_allowed"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return bool(request.session.get(SIGNUP_ALLOWED_SESSION_KEY))
