using System.Text;
using System.Text.Encodings.Web;

namespace Automation.Server.Studio;

/// The HTML of the Studio pages. The editor page hosts the package's `elsa-workflow-definition-editor` element with
/// the stylesheets and scripts it needs (the package's own index.html names an element that is not registered).
public static class StudioHtml
{
    private static readonly string[] Stylesheets =
    [
        "_content/MudBlazor/MudBlazor.min.css", "_content/CodeBeam.MudBlazor.Extensions/MudExtensions.min.css",
        "_content/Radzen.Blazor/css/material-base.css", "_content/Elsa.Studio.Shell/css/shell.css",
        "Elsa.Studio.Host.CustomElements.styles.css",
    ];

    private static readonly string[] Scripts =
    [
        "_content/BlazorMonaco/jsInterop.js", "_content/BlazorMonaco/lib/monaco-editor/min/vs/loader.js",
        "_content/BlazorMonaco/lib/monaco-editor/min/vs/editor/editor.main.js", "_content/MudBlazor/MudBlazor.min.js",
        "_content/CodeBeam.MudBlazor.Extensions/MudExtensions.min.js", "_content/Radzen.Blazor/Radzen.Blazor.js",
        "_framework/blazor.webassembly.js",
    ];

    private const string PageStyle = """
        body { font-family: system-ui, sans-serif; margin: 0; background: #f5f7f8; color: #333; }
        header { background: #2fc6f6; color: #fff; padding: 10px 20px; display: flex; gap: 16px; align-items: center; }
        header a { color: #fff; }
        main { padding: 20px; }
        .pipeline { display: flex; gap: 12px; overflow-x: auto; align-items: flex-start; }
        .status { background: #fff; border-radius: 6px; min-width: 230px; max-width: 260px; box-shadow: 0 1px 3px #0002; }
        .status h2 { margin: 0; padding: 8px 10px; font-size: 15px; border-top: 4px solid var(--color, #2fc6f6); }
        .status h2 a { color: inherit; text-decoration: none; }
        .status h3 { margin: 6px 10px 2px; font-size: 12px; text-transform: uppercase; color: #888; }
        .card { margin: 4px 10px; padding: 6px 8px; border: 1px solid #e3e7ea; border-radius: 4px; font-size: 13px; }
        .card small { display: block; color: #888; }
        .status .open { display: block; padding: 8px 10px; font-size: 13px; }
        .message { background: #fff3cd; padding: 10px; border-radius: 4px; }
        form.new { background: #fff; padding: 12px; border-radius: 6px; display: flex; gap: 8px; flex-wrap: wrap; align-items: end; }
        form.new label { display: flex; flex-direction: column; font-size: 12px; }
        """;

    private const string EditorStyle = """
        body { margin: 0; font-family: system-ui, sans-serif; }
        .studio-bar { height: 36px; display: flex; gap: 16px; align-items: center; padding: 0 16px; background: #2fc6f6; color: #fff; }
        .studio-bar a { color: #fff; }
        elsa-workflow-definition-editor { display: block; height: calc(100vh - 36px); }
        """;

    public static string Editor(string definitionId, string name, string remoteEndpoint, string apiKey)
    {
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1.0">
            <title>{E(name)} · Order Automation Studio</title>
            <base href="{StudioFiles.BasePath}/">

            """);
        foreach (var sheet in Stylesheets) html.Append($"<link href=\"{sheet}\" rel=\"stylesheet\">\n");
        html.Append($"""
            <style>{EditorStyle}</style>
            </head>
            <body>
            <nav class="studio-bar"><a href="./">&larr; Pipeline</a><span>{E(name)}</span></nav>
            <elsa-workflow-definition-editor definition-id="{E(definitionId)}" remote-endpoint="{E(remoteEndpoint)}" api-key="{E(apiKey)}"></elsa-workflow-definition-editor>
            <div id="blazor-error-ui" style="display:none">An unhandled error has occurred. <a href="" class="reload">Reload</a> <a class="dismiss">&#x1F5D9;</a></div>

            """);
        foreach (var script in Scripts) html.Append($"<script src=\"{script}\"></script>\n");
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    public static string Start(Overview overview, bool studioAvailable, string? message)
    {
        var html = new StringBuilder(Page("Pipeline"));
        html.Append("<main>\n");
        if (!studioAvailable)
            html.Append("<p class=\"message\">Elsa Studio's files are not installed on this server (the build installs them with npm), so the editor cannot open. The workflow API under /elsa/api works.</p>\n");
        if (message is not null) html.Append($"<p class=\"message\">{E(message)}</p>\n");
        html.Append("<section class=\"pipeline\">\n");
        foreach (var status in overview.Statuses)
        {
            var color = status.Color is { } c ? $" style=\"--color: {E(c)}\"" : "";
            html.Append($"<article class=\"status\" data-status=\"{E(status.Status.Code)}\">\n");
            html.Append($"<h2{color}><a href=\"edit/{U(status.Status.DefinitionId)}\">{E(status.Status.Name)}</a></h2>\n");
            Cards(html, "Triggers", status.Triggers);
            Cards(html, "Rules", status.Rules);
            html.Append($"<a class=\"open\" href=\"edit/{U(status.Status.DefinitionId)}\">Edit in the designer (v{status.Version})</a>\n</article>\n");
        }
        html.Append("</section>\n");
        if (overview.Others.Count > 0)
        {
            html.Append("<h2>Other workflows</h2>\n<ul class=\"others\">\n");
            foreach (var other in overview.Others)
            {
                var what = other.IsStatus ? "status workflow, not published" : other.IsPublished ? "reusable workflow" : "reusable workflow, draft";
                html.Append($"<li><a href=\"edit/{U(other.DefinitionId)}\">{E(other.Name)}</a> <small>{what}, v{other.Version}</small></li>\n");
            }
            html.Append("</ul>\n");
        }
        var nextSort = overview.Statuses.Count == 0 ? 100 : overview.Statuses.Max(s => s.Status.Sort) + 100;
        html.Append($"""
            <h2>New status</h2>
            <form class="new" method="post" action="statuses">
            <label>Code <input name="code" required pattern="[a-z0-9_\-]+" placeholder="packed"></label>
            <label>Name <input name="name" required placeholder="Packed, waiting for the courier"></label>
            <label>Sort <input name="sort" type="number" value="{nextSort}"></label>
            <label>Kind <select name="semantics"><option value="process">in progress</option><option value="success">success</option><option value="failure">failure</option></select></label>
            <button type="submit">Create status workflow</button>
            </form>
            </main>
            </body>
            </html>

            """);
        return html.ToString();
    }

    public static string SignIn(bool wrongKey) => Page("Sign in") + $"""
        <main>
        <p>{(wrongKey ? "That API key is wrong." : "Elsa Studio needs the service's API key (Security:ApiKey; printed at first start).")}</p>
        <form method="get"><label>API key <input name="apiKey" type="password" autofocus></label> <button type="submit">Open</button></form>
        </main>
        </body>
        </html>

        """;

    private static void Cards(StringBuilder html, string heading, IReadOnlyList<RuleCard> cards)
    {
        if (cards.Count == 0) return;
        html.Append($"<h3>{heading}</h3>\n");
        foreach (var card in cards)
        {
            var after = card.After.Count > 0 ? $"<small>after {E(string.Join(", ", card.After))}</small>" : "";
            html.Append($"<div class=\"card\" data-activity=\"{E(card.Id)}\">{E(card.Title)}<small>{E(card.Type)}</small>{after}</div>\n");
        }
    }

    private static string Page(string title) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>{E(title)} · Order Automation Studio</title>
        <base href="{StudioFiles.BasePath}/">
        <style>{PageStyle}</style>
        </head>
        <body>
        <header><strong>Order Automation</strong><a href="./">Pipeline</a></header>

        """;

    private static string E(string text) => HtmlEncoder.Default.Encode(text);

    private static string U(string text) => Uri.EscapeDataString(text);
}
