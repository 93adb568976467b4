using System.Net;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Automation.Orders.Documents;

/// A Word (.docx) template: `{{ Order.Number }}`-style placeholders in the text of its body, headers and footers are
/// filled per order. Word often splits what a user typed across several runs (spell check, a format change, an edit
/// in the middle), so a placeholder is first gathered into the run where it starts, keeping that run's formatting.
public static class DocxTemplate
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// Throws naming the file when the bytes are not a Word document with a body.
    public static void Validate(string fileName, byte[] content)
    {
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var document = WordprocessingDocument.Open(stream, false);
            if (document.MainDocumentPart?.Document?.Body is null) throw new InvalidDataException("it has no document body");
        }
        catch (Exception e) when (e is OpenXmlPackageException or InvalidDataException or FormatException or IOException or XmlException
                                     or InvalidOperationException or ArgumentException)
        {
            throw DomainException.Invalid("file", $"'{fileName}' is not a Word document (.docx): {e.Message}");
        }
    }

    /// The template with every placeholder replaced by <paramref name="render"/> (text → filled text), and the body's
    /// text as simple HTML paragraphs (a preview, and what the document shows where HTML is expected).
    public static async Task<(byte[] Docx, string Html)> FillAsync(byte[] template, Func<string, Task<string>> render)
    {
        using var stream = new MemoryStream();
        stream.Write(template);
        string html;
        using (var document = WordprocessingDocument.Open(stream, true))
        {
            var main = document.MainDocumentPart ?? throw new InvalidDataException("The Word template has no main document part.");
            OpenXmlPartRootElement[] roots = [main.Document, .. main.HeaderParts.Select(h => h.Header), .. main.FooterParts.Select(f => f.Footer)];
            foreach (var root in roots)
            {
                foreach (var paragraph in root.Descendants<Paragraph>().ToList()) await FillAsync(paragraph, render);
                root.Save();
            }
            html = Preview(main.Document.Body!);
        }
        return (stream.ToArray(), html);
    }

    private static async Task FillAsync(Paragraph paragraph, Func<string, Task<string>> render)
    {
        // Texts of nested paragraphs (a text box inside this one) are filled with their own paragraph.
        var texts = paragraph.Descendants<Text>().Where(t => t.Ancestors<Paragraph>().First() == paragraph).ToList();
        var joined = string.Concat(texts.Select(t => t.Text));
        if (!joined.Contains("{{", StringComparison.Ordinal)) return;
        foreach (var (text, content) in texts.Zip(Gathered(texts.Select(t => t.Text).ToList(), joined)))
        {
            var filled = content.Contains("{{", StringComparison.Ordinal) ? await render(content) : content;
            if (filled == text.Text) continue;
            text.Text = filled;
            text.Space = SpaceProcessingModeValues.Preserve;
        }
    }

    /// The runs' texts after moving every `{{ … }}` wholly into the run where it starts (the rest stays in place).
    internal static IReadOnlyList<string> Gathered(IReadOnlyList<string> parts, string joined)
    {
        var owner = new int[joined.Length];
        for (int part = 0, at = 0; part < parts.Count; at += parts[part].Length, part++)
            Array.Fill(owner, part, at, parts[part].Length);
        for (var start = joined.IndexOf("{{", StringComparison.Ordinal); start >= 0; start = joined.IndexOf("{{", start + 2, StringComparison.Ordinal))
        {
            var end = joined.IndexOf("}}", start + 2, StringComparison.Ordinal);
            if (end < 0) break;
            Array.Fill(owner, owner[start], start, end + 2 - start);
            start = end;
        }
        var gathered = parts.Select(_ => new StringBuilder()).ToArray();
        for (var i = 0; i < joined.Length; i++) gathered[owner[i]].Append(joined[i]);
        return [.. gathered.Select(b => b.ToString())];
    }

    private static string Preview(Body body)
    {
        var html = new StringBuilder();
        foreach (var paragraph in body.Descendants<Paragraph>())
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph.InnerText)).Append("</p>\n");
        return html.ToString();
    }
}
