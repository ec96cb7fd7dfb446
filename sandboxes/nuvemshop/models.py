"""The fake Nuvemshop's own data: stores with the app installed or not, install codes, orders, webhooks."""

from django.db import models


class SandboxStore(models.Model):
    """A merchant's store. Its leaky bucket mirrors Nuvemshop's (40 requests, draining 2 per second)."""

    class Fault(models.IntegerChoices):
        # Besides any HTTP status (429, 500, 401, 402 …): network and body faults. 200 with a cut
        # body, 200 with a body that is not JSON, an answer slower than the client's read
        # timeout, a connection dropped half-way through the answer.
        TRUNCATED_JSON = 1, "truncated JSON"
        MALFORMED_JSON = 2, "malformed JSON"
        SLOW = 3, "slower than the timeout"
        CONNECTION_DROPPED = 4, "connection dropped"

    class PageChange(models.TextChoices):
        # Once, between the reads of page 1 and page 2 of an order listing, the store changes:
        # an order committed late (placed before the others, so it sorts ahead and shifts every
        # page by one), or the first listed order refunded (it leaves the paid filter and every
        # later order moves back by one, over the page boundary).
        LATE_PAID_ORDER = "late_paid_order", "a paid order committed late"
        ORDER_REFUNDED = "order_refunded", "the first order refunded"

    store_id = models.PositiveBigIntegerField(unique=True)
    name = models.CharField(max_length=120)
    installed = models.BooleanField(default=False)
    # The live token; a reinstall or an uninstall replaces it, killing the old one.
    access_token = models.CharField(max_length=64, blank=True)
    scope = models.CharField(max_length=200, default="read_orders,read_customers,write_webhooks")
    bucket_size = models.PositiveIntegerField(default=40)
    drain_per_second = models.FloatField(default=2.0)
    bucket_level = models.FloatField(default=0.0)
    bucket_checked_at = models.FloatField(default=0.0)  # epoch seconds
    # Tests and the demo force answers: the next `forced_count` API calls get `forced_status`.
    forced_status = models.PositiveSmallIntegerField(null=True, blank=True)
    forced_count = models.PositiveIntegerField(default=0)
    # Calls answered normally before the forced answers start (credentials revoked mid-run).
    forced_after = models.PositiveIntegerField(default=0)
    page_change = models.CharField(max_length=20, choices=PageChange.choices, blank=True)
    # The app suspended in this store (app/suspended): the API answers 402 until app/resumed.
    suspended = models.BooleanField(default=False)
    requests_served = models.PositiveIntegerField(default=0)
    requests_rejected = models.PositiveIntegerField(default=0)
    next_order_number = models.PositiveIntegerField(default=100)

    class Meta:
        ordering = ["store_id"]

    def __str__(self):
        return f"{self.name} ({self.store_id})"


class SandboxAuthCode(models.Model):
    """A one-time install code: single use, valid five minutes."""

    code = models.CharField(max_length=64, unique=True)
    store = models.ForeignKey(SandboxStore, on_delete=models.CASCADE, related_name="codes")
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.code


class SandboxOrder(models.Model):
    store = models.ForeignKey(SandboxStore, on_delete=models.CASCADE, related_name="orders")
    order_id = models.PositiveBigIntegerField(unique=True)
    # The order exactly as the API returns it (the documentation's shape).
    data = models.JSONField()
    payment_status = models.CharField(max_length=20, default="pending")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "order_id"]

    def __str__(self):
        return str(self.order_id)


class SandboxWebhook(models.Model):
    store = models.ForeignKey(SandboxStore, on_delete=models.CASCADE, related_name="webhooks")
    event = models.CharField(max_length=60)
    url = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.event} → {self.url}"
