using Automation.Orders;
using Automation.Orders.Shipments;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Edit shipments: sets the delivery status, "delivery allowed" and "shipped" of the order's shipments, or only of those
/// of one delivery service; settings left unchanged are not written.
[Activity("Automation", "EditShipments", Category = "Order", DisplayName = "Edit shipments", Description = "Changes the order's shipments.")]
public sealed class EditShipments : RuleActivity
{
    private static readonly string[] Choices = ["unchanged", "yes", "no"];

    [Input(Description = "The new delivery status (empty: unchanged).")]
    public Input<string> Status { get; init; } = new("");

    [Input(Description = "Delivery allowed.", Options = ["unchanged", "yes", "no"])]
    public Input<string> DeliveryAllowed { get; init; } = new("unchanged");

    [Input(Description = "Shipped.", Options = ["unchanged", "yes", "no"])]
    public Input<string> Shipped { get; init; } = new("unchanged");

    [Input(Description = "Only the shipments of this delivery service (empty: all).")]
    public Input<string> DeliveryService { get; init; } = new("");

    [Output(Description = "The shipments changed.")] public Output<long[]> ShipmentIds { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var patch = new ShipmentPatch(
            Status: rule.Get(Status) is { Length: > 0 } status ? status : null,
            Approved: Flag(rule.Get(DeliveryAllowed), "deliveryAllowed"),
            Shipped: Flag(rule.Get(Shipped), "shipped"));
        if (patch == new ShipmentPatch()) throw DomainException.Invalid("status", "and the other settings leave everything unchanged; set at least one");
        var changed = await rule.Orders.UpdateShipmentsAsync(rule.Order.Id, patch, rule.Get(DeliveryService), rule.CancellationToken);
        rule.Set(ShipmentIds, [.. changed.Select(s => s.Id)]);
    }

    private static bool? Flag(string? choice, string input) => (choice ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "unchanged" => null,
        "yes" or "true" => true,
        "no" or "false" => false,
        var other => throw DomainException.Invalid(input, $"is '{other}'; choose one of {string.Join(", ", Choices)}"),
    };
}
