using System.Globalization;
using Automation.Orders.Documents;
using Automation.Orders.Employees;
using Automation.Orders.Lists;
using Automation.Orders.Persistence;
using Automation.Server.Api;
using Automation.Server.Hosting;
using Automation.Workflows.Validation;
using Microsoft.Data.Sqlite;

namespace Automation.Server.WorkflowFiles;

/// What the settings of rules and triggers may name besides order statuses (those come from the files): forms from the
/// configuration, and employees, lists and document templates from the store database. Keyed by the inputs'
/// dropdown providers, so an input with `OptionsProvider = "Employees"` is checked against the employees.
public sealed class WorkflowReferences(IReadOnlyList<CrmForm> forms, StorageSettings storage)
{
    public WorkflowReferences(CrmForms forms, StorageSettings storage) : this(forms.All, storage)
    {
    }

    /// Forms only: what can be checked without a database.
    public KnownReferences FromConfiguration() => FormsOnly(forms);

    private static KnownReferences FormsOnly(IReadOnlyList<CrmForm> forms)
    {
        var known = KnownReferences.None;
        if (forms.Count == 0) return known;
        return known.With("Forms", "form", forms.Select(f => (f.Id, f.Name)))
            .With("CallbackForms", "callback form", forms.Where(f => f.Callback).Select(f => (f.Id, f.Name)));
    }

    /// Forms and the store's employees, lists and templates; throws when the database cannot be read.
    public async Task<KnownReferences> LoadAsync(CancellationToken ct)
    {
        var known = FromConfiguration();
        await using var db = StoreDb.Create(storage.ConnectionString, storage.StoreProvider);
        var clock = TimeProvider.System;
        known.With("Employees", "employee", (await new EmployeeDirectory(db).ListAsync(true, ct)).Select(e => (Text(e.Id), e.Name)));
        known.With("Lists", "list", (await new UserLists(db, clock).ListListsAsync(ct)).Select(l => (Text(l.Id), l.Name)));
        known.With("DocumentTemplates", "document template", (await new CrmDocuments(db, clock).ListTemplatesAsync(ct)).Select(t => (Text(t.Id), t.Name)));
        return known;
    }

    /// For `validate` run on its own: the database's references when it can be read (never creating it), else forms
    /// only and the reason the rest was not checked.
    public static async Task<(KnownReferences Known, string? NotChecked)> ForCommandLineAsync(IConfiguration configuration, string home, CancellationToken ct)
    {
        StorageSettings storage;
        try
        {
            storage = StorageSettings.Read(configuration, home);
        }
        catch (SettingException e)
        {
            return (FormsOnly(CrmForm.Read(configuration)), e.Message);
        }
        if (storage.WorkflowProvider == Workflows.Persistence.DatabaseProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(storage.ConnectionString);
            if (!File.Exists(file.DataSource))
                return (FormsOnly(CrmForm.Read(configuration)), $"no database at {file.DataSource}");
            file.Mode = SqliteOpenMode.ReadOnly;
            storage = storage with { ConnectionString = file.ToString() };
        }
        var references = new WorkflowReferences(CrmForm.Read(configuration), storage);
        try
        {
            return (await references.LoadAsync(ct), null);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            return (references.FromConfiguration(), $"the database could not be read ({e.Message.Split('\n')[0].Trim()})");
        }
    }

    private static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}
