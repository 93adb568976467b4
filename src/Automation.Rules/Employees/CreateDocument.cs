using System.Globalization;
using Automation.Rules.Rules;
using Automation.Workflows.Activities;

namespace Automation.Rules.Employees;

/// Create CRM document: makes a document for the order from a template (HTML with `{{ Order.… }}` and
/// `{{ Document.Number }}`), numbered by the template's numerator, optionally with a public link; raises "document.created".
[Activity("Automation", "CreateDocument", Category = "Documents", DisplayName = "Create CRM document", Description = "Creates a document from a template.")]
public sealed class CreateDocument : RuleActivity
{
    public const string PublicPath = "/public/documents/";

    [Input(Description = "The document template.", OptionsProvider = "DocumentTemplates", Required = true)]
    public Input<long> Template { get; init; } = new(0);

    [Input(Description = "Create a public link anyone with it can open.")]
    public Input<bool> PublicLink { get; init; } = new(false);

    [Output(Description = "The document's id.")] public Output<long> DocumentId { get; init; } = new();
    [Output(Description = "The number the numerator gave it.")] public Output<string> DocumentNumber { get; init; } = new();
    [Output(Description = "Where employees open it: /api/documents/{id}.")] public Output<string> DocumentUrl { get; init; } = new();
    [Output(Description = "The public link (/public/documents/{token}), if asked for.")] public Output<string?> PublicUrl { get; init; } = new();

    protected override async ValueTask RunAsync(RuleContext rule)
    {
        var document = await rule.Documents.CreateAsync(rule.Order.Id, rule.Get(Template), (body, number) =>
        {
            rule.Activity.Expressions["Document"] = new Dictionary<string, object?> { ["Number"] = number };
            return rule.RenderAsync(body, html: true);
        }, rule.Get(PublicLink), rule.CancellationToken);
        rule.Set(DocumentId, document.Id);
        rule.Set(DocumentNumber, document.Number);
        rule.Set(DocumentUrl, "/api/documents/" + document.Id.ToString(CultureInfo.InvariantCulture));
        rule.Set(PublicUrl, document.PublicToken is { } token ? PublicPath + token : null);
    }
}
