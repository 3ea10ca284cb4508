from django import template

from firstask.accounts.two_factor import may_use_two_factor

register = template.Library()

register.filter("may_use_two_factor", may_use_two_factor)
