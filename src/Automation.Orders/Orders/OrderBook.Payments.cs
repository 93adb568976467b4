using System.Globalization;
using Automation.Orders.Events;
using Automation.Orders.Payments;
using Automation.Orders.Timeline;

namespace Automation.Orders.Orders;

public sealed partial class OrderBook
{
    /// Records money received for the order; the order becomes paid once its paid payments cover its amount.
    /// Raises "payment.received" {paymentId, amount, currency, isPaid} in the same transaction.
    public async Task<Payment> RecordPaymentAsync(long orderId, NewPayment payment, CancellationToken cancellationToken)
    {
        var order = await GetAsync(orderId, cancellationToken);
        if (order.IsCanceled) throw DomainException.OrderCanceled(order.Number, "recording a payment");
        if (payment.Amount <= 0) throw DomainException.Invalid("amount", "must be greater than zero");
        var currency = payment.Currency?.Trim().ToUpperInvariant() ?? order.Currency;
        if (currency != order.Currency)
        {
            throw new DomainException("payment_currency_mismatch", $"The payment is in {currency} but order {order.Number} is in {order.Currency}.");
        }
        var now = clock.GetUtcNow();
        var recorded = new Payment
        {
            Amount = payment.Amount,
            Currency = currency,
            Paid = payment.Paid,
            PaySystem = payment.PaySystem,
            ExternalId = payment.ExternalId,
            CreatedAt = now,
        };
        AddPayment(order, recorded);
        order.IsPaid = order.IsPaid || PaidSum(order) >= order.Amount;
        order.UpdatedAt = now;
        timeline.Add(TimelineKind.Log, order.Id, $"Payment of {Money(payment.Amount, currency)} {(payment.Paid ? "received" : "expected")}", null,
            new { amount = payment.Amount, currency, payment.PaySystem, payment.ExternalId });
        await SaveThenRaiseAsync(() => inbox.Raise(EventTypes.PaymentReceived, order.Id,
            new { paymentId = recorded.Id, amount = recorded.Amount, currency, paid = recorded.Paid, isPaid = order.IsPaid }), cancellationToken);
        return recorded;
    }

    /// The "Pay order" rule: marks every payment paid (adding one for any unpaid rest) and the order paid.
    /// Raises "payment.received" when the order was not paid before.
    public async Task<Order> MarkPaidAsync(long orderId, CancellationToken cancellationToken)
    {
        var order = await GetAsync(orderId, cancellationToken);
        if (order.IsCanceled) throw DomainException.OrderCanceled(order.Number, "marking it paid");
        if (order.IsPaid && order.Payments.All(p => p.Paid)) return order;
        var now = clock.GetUtcNow();
        var newlyPaid = order.Payments.Where(p => !p.Paid).ToList();
        newlyPaid.ForEach(p => p.Paid = true);
        var rest = order.Amount - PaidSum(order);
        if (rest > 0)
        {
            var restPayment = new Payment { Amount = rest, Currency = order.Currency, Paid = true, PaySystem = "manual", CreatedAt = now };
            AddPayment(order, restPayment);
            newlyPaid.Add(restPayment);
        }
        var wasPaid = order.IsPaid;
        order.IsPaid = true;
        order.UpdatedAt = now;
        timeline.Add(TimelineKind.Log, order.Id, "Order marked paid", null, new { amount = newlyPaid.Sum(p => p.Amount) });
        await SaveThenRaiseAsync(() =>
        {
            if (!wasPaid)
                inbox.Raise(EventTypes.PaymentReceived, order.Id,
                    new { paymentIds = newlyPaid.Select(p => p.Id), amount = newlyPaid.Sum(p => p.Amount), currency = order.Currency, isPaid = true });
        }, cancellationToken);
        return order;
    }

    /// Cancels the order with a reason and raises "order.canceled" {reason}.
    public async Task<Order> CancelAsync(long orderId, string? reason, string? actor, CancellationToken cancellationToken)
    {
        var order = await GetAsync(orderId, cancellationToken);
        if (order.IsCanceled) throw DomainException.OrderAlreadyCanceled(order.Number);
        order.IsCanceled = true;
        order.CancelReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        order.UpdatedAt = clock.GetUtcNow();
        timeline.Add(TimelineKind.Log, order.Id, "Order canceled" + (order.CancelReason is null ? "" : $": {order.CancelReason}"), actor,
            new { reason = order.CancelReason });
        inbox.Raise(EventTypes.OrderCanceled, order.Id, new { reason = order.CancelReason });
        await db.SaveChangesAsync(cancellationToken);
        return order;
    }

    /// Saves the new rows (the payment), so that the event describing the change can name their generated ids, and
    /// raises the event. In a unit of work that saves the store when it commits, nothing else is written now: the
    /// order's own change (its flags), its timeline entry and the event go in with that save, together with the status
    /// move and the rules the event causes (one UPDATE of the order, one INSERT of timeline entries, the event inserted
    /// as processed). Otherwise the change and its event are saved in one transaction here: both or neither.
    private async Task SaveThenRaiseAsync(Action raise, CancellationToken cancellationToken)
    {
        var savedAtCommit = db.SavedAtCommit && db.Database.CurrentTransaction is not null;
        await db.InTransactionAsync(async token =>
        {
            await db.SaveAddedAsync(token, appended: false);
            raise();
            if (!savedAtCommit) await db.SaveChangesAsync(token);
            return true;
        }, cancellationToken);
    }

    // Tracked as added at once (not found by detecting changes on the order's collection), so that a save of the added
    // rows writes it.
    private void AddPayment(Order order, Payment payment)
    {
        payment.OrderId = order.Id;
        order.Payments.Add(payment);
        db.Payments.Add(payment);
    }

    private static decimal PaidSum(Order order) => order.Payments.Where(p => p.Paid).Sum(p => p.Amount);

    private static string Money(decimal amount, string currency) => $"{amount.ToString("0.00", CultureInfo.InvariantCulture)} {currency}";
}
