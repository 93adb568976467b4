using Automation.Orders.Clients;
using Automation.Orders.Persistence;
using Automation.Orders.Tests.Fixtures;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Automation.Orders.Tests.Clients;

public sealed class ClientDirectoryTests
{
    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Client_is_found_by_email_in_any_case_by_phone_in_any_format_and_by_visitor_id(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var directory = new ClientDirectory(db, store.Clock);
        var ann = await directory.CreateAsync(new NewClient("Ann", "Ann.Smith@Example.com", "+1 (555) 010-0000", VisitorId: "v-123"), CancellationToken.None);
        await directory.CreateAsync(new NewClient("Bob", "bob@example.com", "+1 555 010 0001"), CancellationToken.None);

        await using var lookup = store.Db();
        var clients = new ClientDirectory(lookup, store.Clock);
        Assert.Equal(ann.Id, (await clients.FindByEmailAsync("  ann.smith@EXAMPLE.com ", CancellationToken.None))?.Id);
        Assert.Equal(ann.Id, (await clients.FindByPhoneAsync("15550100000", CancellationToken.None))?.Id);
        Assert.Equal(ann.Id, (await clients.FindByVisitorIdAsync("v-123", CancellationToken.None))?.Id);
        Assert.Equal(ann.Id, (await clients.FindAsync(new ClientRef(Phone: "1-555-010-0000"), CancellationToken.None))?.Id);
        Assert.Null(await clients.FindByEmailAsync("nobody@example.com", CancellationToken.None));
        Assert.Null(await clients.FindByPhoneAsync("+1 555 010 9999", CancellationToken.None));
        var found = await clients.GetAsync(ann.Id, CancellationToken.None);
        Assert.Equal(("Ann.Smith@Example.com", "+1 (555) 010-0000"), (found.Emails.Single().Value, found.Phones.Single().Value));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Find_or_create_adds_a_new_phone_to_the_client_found_by_email(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();
        var directory = new ClientDirectory(db, store.Clock);
        var ann = await directory.FindOrCreateAsync(new NewClient("Ann", "ann@example.com"), CancellationToken.None);

        var again = await directory.FindOrCreateAsync(new NewClient("Ann S.", "ANN@example.com", "+47 400 00 001", PhoneType: PhoneType.Work), CancellationToken.None);

        Assert.Equal(ann.Id, again.Id);
        await using var check = store.Db();
        var saved = await new ClientDirectory(check, store.Clock).GetAsync(ann.Id, CancellationToken.None);
        Assert.Equal("Ann", saved.Name);
        Assert.Equal((PhoneType.Work, "4740000001"), (saved.Phones.Single().Type, saved.Phones.Single().Digits));
    }

    [Fact]
    public void Email_and_phone_by_type_take_the_first_of_that_type_and_auto_takes_the_first_of_any()
    {
        var client = new Client
        {
            Name = "Ann",
            Emails = [new() { Id = 1, Value = "home@example.com", Type = EmailType.Home }, new() { Id = 2, Value = "work@example.com", Type = EmailType.Work }],
            Phones = [new() { Id = 5, Value = "+47 1", Type = PhoneType.Mobile }],
        };

        Assert.Equal("home@example.com", ClientDirectory.EmailOf(client, "auto"));
        Assert.Equal("work@example.com", ClientDirectory.EmailOf(client, "WORK"));
        Assert.Null(ClientDirectory.EmailOf(client, "mailing"));
        Assert.Equal("+47 1", ClientDirectory.PhoneOf(client, null));
        Assert.Null(ClientDirectory.PhoneOf(client, "home"));
        var error = Assert.Throws<DomainException>(() => ClientDirectory.PhoneOf(client, "fax"));
        Assert.Equal(("invalid_phoneType", "'phoneType' 'fax' is not one of: auto, work, mobile, home, other."), (error.Code, error.Message));
    }

    [Theory, MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Phone_without_digits_is_rejected_naming_it(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = store.Db();

        var error = await Assert.ThrowsAsync<DomainException>(
            () => new ClientDirectory(db, store.Clock).CreateAsync(new NewClient("Ann", Phone: "call me"), CancellationToken.None));

        Assert.Equal(("invalid_phone", "'phone' 'call me' has no digits."), (error.Code, error.Message));
    }

    // A lookup that scans the clients makes every new order slower than the last; the plan must go through the index.
    [Fact]
    public async Task Looking_a_client_up_by_email_or_phone_reads_the_contact_index_and_scans_no_table()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = store.Db();
        var directory = new ClientDirectory(db, store.Clock);
        await using var connection = (SqliteConnection)await store.OpenConnectionAsync();

        foreach (var query in new[] { directory.ByEmail("ann@example.com"), directory.ByPhone("4740000001") })
        {
            // ToQueryString declares the parameters first (".param set"; the plan does not depend on their values) and
            // ends with a note that the contacts follow in queries of their own (split query).
            var sql = string.Join('\n', query.ToQueryString().Split('\n')
                .Where(line => !line.StartsWith(".param", StringComparison.Ordinal) && !line.StartsWith("This LINQ query", StringComparison.Ordinal)));
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
            var plan = new List<string>();
            await using (var reader = await explain.ExecuteReaderAsync())
                while (await reader.ReadAsync()) plan.Add(reader.GetString(3));

            Assert.DoesNotContain(plan, step => step.StartsWith("SCAN", StringComparison.Ordinal));
            Assert.Contains(plan, step => step.Contains("IX_client_emails_Normalized", StringComparison.Ordinal) || step.Contains("IX_client_phones_Digits", StringComparison.Ordinal));
        }
    }
}
