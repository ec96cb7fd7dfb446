"""Reading customers: the customers list's search."""

from django.db.models import QuerySet
from django.db.models.functions import Lower

from .documents import searched_document
from .models import Customer, normalise_name


def search_customers(customers: QuerySet[Customer], term: str) -> QuerySet[Customer]:
    """The customers list's search box, each kind of term answered by an index (no scan of the
    customers, as on the sales list):

    - a CPF/CNPJ, bare or formatted: the customers with exactly that document;
    - an e-mail (it has an "@"): that e-mail exactly, in any case;
    - anything else: customers whose name *starts with* the term (case and extra spaces ignored),
      e.g. "maria si" finds "Maria Silva"; a word in the middle of a name ("silva") is not
      searched, since it would mean reading every customer's name.
    """
    term = " ".join(term.split())
    if not term:
        return customers
    document = searched_document(term)
    if document:
        return customers.filter(document=document)
    if "@" in term:
        # LOWER(email), as the index customer_email_lower_idx is built.
        return customers.alias(email_key=Lower("email")).filter(email_key=term.lower())
    return customers.filter(name_key__startswith=normalise_name(term))
