namespace Automation.Orders.Events;

/// The event types the store domain raises itself; events from outside may carry any type.
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
    public const string DocumentCreated = "document.created";
    public const string TaskCompleted = "task.completed";
    public const string EmailReceived = "email.received";
    public const string MessageSent = "message.sent";
    public const string MessageFailed = "message.failed";
    public const string MessageDelivery = "message.delivery";
    public const string EmailViewed = "email.viewed";
    public const string EmailLinkClicked = "email.link-clicked";
    public const string CallCompleted = "call.completed";
}
