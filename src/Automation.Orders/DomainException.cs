namespace Automation.Orders;

/// A problem a caller caused: a machine code for the HTTP layer's problem details and a message naming what is at fault.
public sealed class DomainException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public static DomainException OrderNotFound(long orderId) =>
        new("order_not_found", $"Order {orderId} does not exist.");

    public static DomainException OrderCanceled(string number, string action) =>
        new("order_canceled", $"Order {number} is canceled; {action} is not possible on a canceled order.");

    public static DomainException OrderAlreadyCanceled(string number) =>
        new("order_already_canceled", $"Order {number} is already canceled.");

    public static DomainException ShipmentNotFound(string number, long shipmentId) =>
        new("shipment_not_found", $"Order {number} has no shipment {shipmentId}.");

    public static DomainException EmployeeNotFound(long employeeId) =>
        new("employee_not_found", $"Employee {employeeId} does not exist.");

    public static DomainException ClientNotFound(long clientId) =>
        new("client_not_found", $"Client {clientId} does not exist.");

    public static DomainException Invalid(string field, string problem) =>
        new("invalid_" + field, $"'{field}' {problem}.");
}
