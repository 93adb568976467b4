namespace Automation.Server.Api;

/// The CRM forms this service knows (configuration `Forms`: `[{Id, Name, Callback}]`): the choices of the "CRM form
/// submission" and "Callback" triggers, and what their settings are checked against. With none configured, form ids
/// are not checked and the public form accepts any id.
public sealed record CrmForm(string Id, string Name, bool Callback = false)
{
    public const string Section = "Forms";

    public static IReadOnlyList<CrmForm> Read(IConfiguration configuration) =>
        (configuration.GetSection(Section).Get<List<CrmForm>>() ?? [])
            .Where(f => !string.IsNullOrWhiteSpace(f.Id))
            .Select(f => f with { Id = f.Id.Trim(), Name = string.IsNullOrWhiteSpace(f.Name) ? f.Id.Trim() : f.Name.Trim() })
            .ToList();
}

/// The configured forms, as the host's services see them.
public sealed class CrmForms(IConfiguration configuration)
{
    public IReadOnlyList<CrmForm> All { get; } = CrmForm.Read(configuration);

    public IEnumerable<CrmForm> CallbackForms => All.Where(f => f.Callback);
}
