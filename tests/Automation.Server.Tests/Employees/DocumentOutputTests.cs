using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Server.Tests.Support;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Automation.Server.Tests.Employees;

/// Create CRM document's outputs as users get them: a Word template filled per order, a PDF printed by headless
/// Chromium (read back with poppler's pdftotext), served on the public link and attached to the client's email.
public sealed class DocumentOutputTests
{
    private const string DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    [Fact]
    public async Task Word_template_uploaded_through_the_api_is_filled_per_order_even_where_word_split_a_placeholder()
    {
        var flow = new StatusFlow("new", 100)
            .Add("doc", "Automation.CreateDocument", new { template = 1L, output = "Docx", publicLink = true })
            .Add("log", "Automation.WriteToLog", new { text = "docx at {{ Activities.doc.DocumentDocx }}" })
            .Connect("start->doc", "doc->log");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow });
        var template = await Expect.JsonAsync(await UploadAsync(host, "Contract", "contract.docx", WordTemplate(), "C-{n:000}"), 201);
        Assert.Equal(("Docx", "contract.docx", ""), (template["kind"]!.GetValue<string>(), template["fileName"]!.GetValue<string>(), template["body"]!.GetValue<string>()));
        Assert.Null(template["file"]);

        var id = (await host.CreateOrderAsync(new
        {
            client = new { name = "Tom & <Jerry>", email = "tom@example.com" },
            items = new[] { new { name = "Teapot", quantity = 2, price = 20.5m } },
            currency = "EUR",
        }))["id"]!.GetValue<long>();

        var document = Assert.Single(await host.GetArrayAsync($"/api/orders/{id}/documents"))!;
        var file = Assert.Single(document["files"]!.AsArray())!;
        Assert.Equal(("Docx", "Ready", $"/api/documents/{document["id"]}/docx"), (file["format"]!.GetValue<string>(), file["status"]!.GetValue<string>(), file["url"]!.GetValue<string>()));
        Assert.Contains($"docx at /api/documents/{document["id"]}/docx", await host.TimelineTextsAsync(id));
        var download = await host.Client.GetAsync(file["url"]!.GetValue<string>());
        Assert.Equal(DocxType, download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Contract C-001.docx", download.Content.Headers.ContentDisposition!.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
        var (body, header) = WordText(await download.Content.ReadAsByteArrayAsync());
        Assert.Equal(["Contract C-001", "Order 1001 for Tom & <Jerry>, total EUR 41.0", "Keep { braces } as they are"], body);
        Assert.Equal("Order 1001", header);
        // The document's HTML is the filled text, HTML-escaped, for a preview.
        Assert.Contains("Order 1001 for Tom &amp; &lt;Jerry&gt;", (await host.GetAsync($"/api/documents/{document["id"]}"))["html"]!.GetValue<string>());

        using var client = host.CreatePublicClient();
        var published = await client.GetAsync(document["publicUrl"]!.GetValue<string>());
        Assert.Equal(DocxType, published.Content.Headers.ContentType!.MediaType);
        Assert.Equal("Contract C-001", WordText(await published.Content.ReadAsByteArrayAsync()).Body[0]);
    }

    [Fact]
    public async Task Template_upload_that_is_not_a_word_document_is_refused_naming_the_file_and_nothing_is_stored()
    {
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = new StatusFlow("new", 100) });

        await Expect.ProblemAsync(await UploadAsync(host, "Contract", "notes.txt", "just a note"u8.ToArray()), 400, "'notes.txt' is not a Word document (.docx)");
        await Expect.ProblemAsync(await UploadAsync(host, "Contract", "empty.docx", []), 400, "'empty.docx' is empty");
        await Expect.ProblemAsync(await UploadAsync(host, " ", "contract.docx", WordTemplate()), 400, "'name'");
        await Expect.ProblemAsync(await UploadAsync(host, "Contract", "contract.docx", WordTemplate(), "C-no-counter"), 400, "'numberFormat'");
        using var noFile = new MultipartFormDataContent { { new StringContent("Contract"), "name" } };
        await Expect.ProblemAsync(await host.Client.PostAsync("/api/document-templates", noFile), 400, "'file'");

        Assert.Empty(await host.GetArrayAsync("/api/document-templates"));
    }

    [Fact]
    public async Task Pdf_printed_by_chromium_is_served_on_the_public_link_and_attached_to_the_email_of_the_next_rule()
    {
        Assert.True(File.Exists("/usr/bin/pdftotext"), "pdftotext (poppler-utils) is needed to read the PDF back; .ci/run installs it");
        await using var sink = await MailSink.StartAsync();
        var flow = new StatusFlow("new", 100)
            .Add("doc", "Automation.CreateDocument", new { template = 1L, output = "Pdf", waitForPdf = true, publicLink = true })
            .Add("mail", "Automation.SendEmail", new { subject = "Invoice {{ Activities.doc.DocumentNumber }}", body = "<p>Your invoice</p>", documents = "{{ Activities.doc.DocumentPdf }}" })
            .Connect("start->doc", "doc->mail");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow }, MailSettings(sink.Port));
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/document-templates", new
        {
            name = "Invoice",
            body = "<html><body><h1>Invoice {{ Document.Number }}</h1><p>Order {{ Order.Number }} for {{ Order.Client.Name }}</p></body></html>",
            numberFormat = "INV-{n:000}",
        }), 201);

        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        var mail = await sink.FirstAsync();
        Assert.Equal("Invoice INV-001", mail.Subject);
        var attachment = Assert.Single(mail.Attachments);
        Assert.Equal(("Invoice INV-001.pdf", "application/pdf"), (attachment.FileName, attachment.ContentType));
        var text = await PdfTextAsync(attachment.Content);
        Assert.Contains("Invoice INV-001", text);
        Assert.Contains("Order 1001 for Ann Buyer", text);
        Assert.Contains(await host.TimelineTextsAsync(id), t => t == "PDF of document 'Invoice INV-001' is ready");

        var document = Assert.Single(await host.GetArrayAsync($"/api/orders/{id}/documents"))!;
        using var client = host.CreatePublicClient();
        var published = await client.GetAsync(document["publicUrl"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal("application/pdf", published.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Order 1001", await PdfTextAsync(await published.Content.ReadAsByteArrayAsync()));
        var download = await host.Client.GetAsync($"/api/documents/{document["id"]}/pdf");
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString((await download.Content.ReadAsByteArrayAsync())[..4]));
        await Expect.ProblemAsync(await host.Client.GetAsync($"/api/documents/{document["id"]}/docx"), 404, "has no DOCX file");
        await Expect.ProblemAsync(await host.Client.GetAsync($"/api/documents/{document["id"]}/odt"), 400, "'odt'");
    }

    [Fact]
    public async Task Pdf_rule_fails_with_a_clear_message_in_the_run_log_when_chromium_is_missing()
    {
        var flow = new StatusFlow("new", 100)
            .Add("doc", "Automation.CreateDocument", new { template = 1L, output = "Pdf", waitForPdf = true })
            .Add("after", "Automation.WriteToLog", new { text = "after the PDF" })
            .Connect("start->doc", "doc->after");
        await using var host = await ServiceHost.StartAsync(new Dictionary<string, string> { ["new"] = flow },
            new Dictionary<string, string?> { ["Documents:ChromiumPath"] = "/nowhere/chromium" });
        await Expect.JsonAsync(await host.Client.PostAsJsonAsync("/api/document-templates", new { name = "Invoice", body = "<p>{{ Order.Number }}</p>" }), 201);

        var id = (await host.CreateOrderAsync())["id"]!.GetValue<long>();

        JsonNode? doc = null;
        await Eventually.TrueAsync(async () =>
        {
            doc = (await host.GetArrayAsync($"/api/orders/{id}/runs"))[0]!["activities"]!.AsArray().LastOrDefault(a => a!["activityId"]!.GetValue<string>() == "doc");
            return doc?["event"]?.GetValue<string>() == "Faulted";
        }, "the document rule did not fault");
        Assert.Contains("Chromium was not found at '/nowhere/chromium' (Documents:ChromiumPath)", doc!["message"]!.GetValue<string>());
        var timeline = await host.TimelineTextsAsync(id);
        Assert.Contains(timeline, t => t.StartsWith("PDF of document 'Invoice 1' could not be made: Chromium was not found", StringComparison.Ordinal));
        Assert.DoesNotContain("after the PDF", timeline);
        var document = Assert.Single(await host.GetArrayAsync($"/api/orders/{id}/documents"))!;
        await Expect.ProblemAsync(await host.Client.GetAsync($"/api/documents/{document["id"]}/pdf"), 409, "could not be made", "Chromium was not found");
    }

    private static async Task<HttpResponseMessage> UploadAsync(ServiceHost host, string name, string fileName, byte[] content, string? numberFormat = null)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(name), "name");
        if (numberFormat is not null) form.Add(new StringContent(numberFormat), "numberFormat");
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(DocxType);
        form.Add(file, "file", fileName);
        return await host.Client.PostAsync("/api/document-templates", form);
    }

    /// A Word document as Word writes one: placeholders split across runs with different formatting, one in a header.
    private static byte[] WordTemplate()
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            var header = main.AddNewPart<HeaderPart>();
            header.Header = new Header(new Paragraph(Runs("Order {", "{ Order.Number }}")));
            var headerId = main.GetIdOfPart(header);
            main.Document = new Document(new Body(
                new Paragraph(Runs("Contract ", "{{ Docu", "ment.Num", "ber }}")),
                new Paragraph(Runs("Order {{ Order.Number }} for {", "{ Order.Client", ".Name }}, total ", "{{ Order.Currency }} {{ Order.Amount }}")),
                new Paragraph(Runs("Keep { braces ", "} as they are")),
                new SectionProperties(new HeaderReference { Type = HeaderFooterValues.Default, Id = headerId })));
        }
        return stream.ToArray();
    }

    /// Runs alternating bold and plain, as Word splits a paragraph when formatting or spell-check state changes.
    private static IEnumerable<Run> Runs(params string[] texts) => texts.Select((text, i) =>
    {
        var run = new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve });
        if (i % 2 == 1) run.PrependChild(new RunProperties(new Bold()));
        return run;
    });

    private static (List<string> Body, string Header) WordText(byte[] docx)
    {
        using var stream = new MemoryStream(docx);
        using var word = WordprocessingDocument.Open(stream, false);
        var main = word.MainDocumentPart!;
        return (main.Document.Body!.Elements<Paragraph>().Select(p => p.InnerText).ToList(), main.HeaderParts.Single().Header.InnerText);
    }

    private static async Task<string> PdfTextAsync(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"automation-test-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(file, pdf);
        try
        {
            Assert.StartsWith("%PDF", Encoding.ASCII.GetString(pdf[..4]));
            var start = new ProcessStartInfo("/usr/bin/pdftotext") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in new[] { "-layout", file, "-" }) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.Equal(0, process.ExitCode);
            return string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\f'], StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Dictionary<string, string?> MailSettings(int port) => new()
    {
        ["Mail:Mailboxes:0:Name"] = "shop",
        ["Mail:Mailboxes:0:Host"] = "127.0.0.1",
        ["Mail:Mailboxes:0:Port"] = port.ToString(CultureInfo.InvariantCulture),
        ["Mail:Mailboxes:0:Tls"] = "None",
        ["Mail:Mailboxes:0:FromAddress"] = "orders@shop.test",
        ["Outbox:PollInterval"] = "00:00:00.200",
    };
}
