using Automation.Orders.Employees;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Employees;

public sealed class EmployeeDirectoryTests
{
    private static readonly NewEmployee[] Staff =
    [
        new("Kate Head", "kate@shop.example"),
        new("Leo Seller", "Leo@Shop.example", "+47 1", ManagerEmail: "kate@shop.example"),
        new("Mia Seller", "mia@shop.example", ManagerEmail: "KATE@shop.example"),
    ];

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Seeding_twice_creates_each_employee_once_and_links_their_managers(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using (var db = store.Db()) await new EmployeeDirectory(db).SeedAsync(Staff, CancellationToken.None);
        await using (var db = store.Db()) await new EmployeeDirectory(db).SeedAsync(Staff, CancellationToken.None);

        await using var check = store.Db();
        var directory = new EmployeeDirectory(check);
        var all = await directory.ListAsync(includeInactive: true, CancellationToken.None);
        Assert.Equal(["kate@shop.example", "leo@shop.example", "mia@shop.example"], all.Select(e => e.Email));
        var leo = all[1];
        Assert.Equal("Kate Head", (await directory.GetManagerAsync(leo.Id, CancellationToken.None))?.Name);
        Assert.Null(await directory.GetManagerAsync(all[0].Id, CancellationToken.None));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Employees_are_created_updated_and_deleted_and_an_email_is_taken_once(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var directory = new EmployeeDirectory(db);
        var kate = await directory.CreateAsync(new NewEmployee("Kate", "kate@shop.example"), CancellationToken.None);
        var leo = await directory.CreateAsync(new NewEmployee("Leo", "leo@shop.example", ManagerId: kate.Id), CancellationToken.None);

        var taken = await Assert.ThrowsAsync<DomainException>(
            () => directory.CreateAsync(new NewEmployee("Kate 2", " KATE@shop.example"), CancellationToken.None));
        await directory.UpdateAsync(leo.Id, new EmployeePatch(IsAbsent: true, IsActive: false), CancellationToken.None);
        var selfManaged = await Assert.ThrowsAsync<DomainException>(
            () => directory.UpdateAsync(kate.Id, new EmployeePatch(ManagerId: kate.Id), CancellationToken.None));
        await directory.DeleteAsync(kate.Id, CancellationToken.None);

        Assert.Equal(("employee_email_taken", "Another employee already has the email 'kate@shop.example'."), (taken.Code, taken.Message));
        Assert.Equal("invalid_managerId", selfManaged.Code);
        await using var check = store.Db();
        var remaining = await check.Employees.SingleAsync();
        Assert.Equal((leo.Id, true, false, (long?)null), (remaining.Id, remaining.IsAbsent, remaining.IsActive, remaining.ManagerId));
        Assert.Empty(await new EmployeeDirectory(check).ListAsync(includeInactive: false, CancellationToken.None));
    }
}
