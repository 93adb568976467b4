namespace Automation.Orders.Events;

/// The event types the store domain raises itself and those the triggers listen to; events from outside may carry any type.
public static class EventTypes
{
    public const string PaymentReceived = "payment.received";
    public const string OrderCanceled = "order.canceled";
    public const string ShipmentApproved = "shipment.approved";
    public const string ShipmentShipped = "shipment.shipped";
    public const string ShipmentTrackingNumberAdded = "shipment.tracking-number-added";
    public const string ShipmentUpdated = "shipment.updated";
    public const string ResponsibleChanged = "responsible.changed";
    public const string Webhook = "webhook";
    public const string CallIncoming = "call.incoming";
    public const string CallMissed = "call.missed";
    public const string FormSubmitted = "form.submitted";
    public const string CallbackRequested = "callback.requested";
    public const string Visit = "visit";
    public const string VisitReturn = "visit.return";
    public const string ChatFirstMessage = "chat.first-message";
    public const string ChatMessage = "chat.message";
    public const string DocumentOpened = "document.opened";
    public const string DocumentCreated = "document.created";
    public const string DocumentConverted = "document.converted";
    public const string TaskCompleted = "task.completed";
    public const string EmailReceived = "email.received";
    public const string MessageSent = "message.sent";
    public const string MessageFailed = "message.failed";
    public const string MessageDelivery = "message.delivery";
    public const string EmailViewed = "email.viewed";
    public const string EmailLinkClicked = "email.link-clicked";
    public const string CallCompleted = "call.completed";

    /// What the client does (writes, calls, submits a form, chats, visits): it completes the order's waiting markers
    /// and resumes rules waiting for the client's next activity.
    public static IReadOnlySet<string> ClientActivities { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        EmailReceived, CallIncoming, CallMissed, FormSubmitted, CallbackRequested, Visit, VisitReturn, ChatFirstMessage, ChatMessage,
    };
}
