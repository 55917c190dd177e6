//! Uploads (issue #16): documents and profile photos through the GraphQL multipart request
//! spec, typed by their bytes, stored in the object store, served to whoever may read them,
//! their text extracted; refusals that store nothing; deletion and the orphan sweep.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use crate::support::{Account, TestApp, only_error};

const BOUNDARY: &str = "careergraph-test-boundary";

fn data_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("careergraph-uploads-{}-{name}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    dir
}

async fn app_in(dir: &Path, extra: &[&str]) -> TestApp {
    let dir = dir.to_str().expect("utf-8 path").to_owned();
    let mut args = vec!["--data-dir", dir.as_str()];
    args.extend_from_slice(extra);
    TestApp::with_args(&args).await
}

/// Files under the uploads' prefix of a data directory.
fn stored_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    walk(&dir.join("files/uploads"), &mut found);
    found
}

/// A multipart body: `operations`, `map` (the file at `variables.input.file`), the file.
fn multipart(operations: &Value, filename: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    write!(
        body,
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\":[\"variables.input.file\"]}}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{filename}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .expect("write");
    body.extend_from_slice(bytes);
    write!(body, "\r\n--{BOUNDARY}--\r\n").expect("write");
    body
}

fn multipart_request(token: Option<&str>, body: Body) -> axum::http::request::Builder {
    let mut request = Request::post("/graphql")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("apollo-require-preflight", "true");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let _ = body;
    request
}

/// Sends a multipart request; the status and the parsed response.
async fn send_multipart(app: &TestApp, token: Option<&str>, body: Vec<u8>) -> (StatusCode, Value) {
    let request = multipart_request(token, Body::empty())
        .body(Body::from(body))
        .expect("request");
    let (status, body) = app.send(request).await;
    let value =
        serde_json::from_slice(&body).unwrap_or_else(|_| json!({ "raw": String::from_utf8_lossy(&body) }));
    (status, value)
}

const DOCUMENT_FIELDS: &str = "id originalFilename fileType category sizeBytes mimeType sha256 url thumbnailUrl \
                               extractedText extractionPreview isEncrypted suggestedSkills { id name }";

async fn upload_document(
    app: &TestApp,
    who: &Account,
    category: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> Value {
    let operations = json!({
        "query": format!("mutation($input: UploadDocumentInput!) {{ uploadDocument(input: $input) {{ uploadedDocument {{ {DOCUMENT_FIELDS} }} }} }}"),
        "variables": { "input": { "file": null, "category": category } },
    });
    let (status, response) = send_multipart(
        app,
        Some(&who.access_token),
        multipart(&operations, filename, content_type, bytes),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{response}");
    response
}

async fn upload_photo(
    app: &TestApp,
    who: &Account,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> Value {
    let operations = json!({
        "query": format!("mutation($input: UploadProfilePhotoInput!) {{ uploadProfilePhoto(input: $input) {{ uploadedDocument {{ {DOCUMENT_FIELDS} }} }} }}"),
        "variables": { "input": { "file": null } },
    });
    let (status, response) = send_multipart(
        app,
        Some(&who.access_token),
        multipart(&operations, filename, content_type, bytes),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{response}");
    response
}

/// GET a path with a token: status, headers, body.
async fn download(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut request = Request::get(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = app
        .router
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("the router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    (status, headers, body)
}

/// A one-page PDF whose text is `lines`, in Helvetica (text a PDF reader extracts).
fn pdf_with(lines: &[&str]) -> Vec<u8> {
    use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
    let (catalog, tree, page, font, content) =
        (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5));
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let mut writer = pdf.page(page);
    writer.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
    writer.parent(tree);
    writer.contents(content);
    writer.resources().fonts().pair(Name(b"F1"), font);
    writer.finish();
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let mut text = Content::new();
    text.begin_text();
    text.set_font(Name(b"F1"), 12.0);
    text.set_leading(16.0);
    text.next_line(72.0, 760.0);
    for line in lines {
        text.show(Str(line.as_bytes()));
        text.next_line_using_leading();
    }
    text.end_text();
    pdf.stream(content, &text.finish().into_vec());
    pdf.finish()
}

/// A Word document whose paragraphs are `paragraphs` (the parts Word needs to open it).
fn docx_with(paragraphs: &[&str]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let files = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#.to_owned(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#.to_owned(),
        ),
        (
            "word/document.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{}</w:body></w:document>"#,
                paragraphs
                    .iter()
                    .map(|text| format!(
                        "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
                        text.replace('&', "&amp;").replace('<', "&lt;")
                    ))
                    .collect::<String>()
            ),
        ),
    ];
    for (name, content) in files {
        zip.start_file(name, options).expect("zip entry");
        zip.write_all(content.as_bytes()).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

/// A PNG of `width` × `height`.
fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).expect("png");
    out.into_inner()
}

/// The EXIF text the test photo carries (as its camera's make), which must not survive.
const EXIF_SECRET: &[u8] = b"GPSSECRET1\0";

/// A 600 × 400 JPEG with an EXIF segment (APP1) right after its start marker.
fn jpeg_with_exif() -> Vec<u8> {
    let image = image::RgbImage::from_fn(600, 400, |x, y| image::Rgb([(x / 3) as u8, (y / 2) as u8, 40]));
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&image)
        .expect("jpeg");
    let plain = out.into_inner();
    // TIFF (big-endian), one IFD with one entry: Make (0x010F), ASCII, at offset 26.
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x010Fu16.to_be_bytes());
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&(EXIF_SECRET.len() as u32).to_be_bytes());
    tiff.extend_from_slice(&26u32.to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(EXIF_SECRET);
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend_from_slice(&tiff);
    let mut jpeg = plain[..2].to_vec();
    jpeg.extend_from_slice(&[0xFF, 0xE1]);
    jpeg.extend_from_slice(&((segment.len() + 2) as u16).to_be_bytes());
    jpeg.extend_from_slice(&segment);
    jpeg.extend_from_slice(&plain[2..]);
    jpeg
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

async fn document_count(app: &TestApp, who: &Account) -> i64 {
    app.ok(
        "{ uploadedDocuments { totalCount } }",
        json!({}),
        Some(&who.access_token),
    )
    .await["uploadedDocuments"]["totalCount"]
        .as_i64()
        .expect("count")
}

#[tokio::test(flavor = "multi_thread")]
async fn pdf_docx_and_text_documents_round_trip_with_their_text() {
    let dir = data_dir("round-trip");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("uploader@example.com").await;
    let pdf = pdf_with(&["Senior Backend Engineer", "We use Rust and PostgreSQL every day."]);
    let docx = docx_with(&["Jane Doe", "Python & Kubernetes at scale"]);
    let text = "Portfolio notes\nBuilt a compiler in OCaml.\n"
        .as_bytes()
        .to_vec();
    // (category, filename, declared MIME type, bytes, file type, served MIME type, text found)
    type Case<'a> = (&'a str, &'a str, &'a str, &'a Vec<u8>, &'a str, &'a str, &'a str);
    let cases: [Case<'_>; 3] = [
        (
            "JOB_DESCRIPTION",
            "role.pdf",
            "application/pdf",
            &pdf,
            "PDF",
            "application/pdf",
            "Rust and PostgreSQL",
        ),
        (
            "CV",
            "cv.docx",
            "application/octet-stream",
            &docx,
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Python & Kubernetes at scale",
        ),
        (
            "PORTFOLIO",
            "notes.txt",
            "text/plain",
            &text,
            "TEXT",
            "text/plain; charset=utf-8",
            "compiler in OCaml",
        ),
    ];
    for (category, filename, declared, bytes, file_type, mime, expected_text) in cases {
        let response = upload_document(&app, &me, category, filename, declared, bytes).await;
        let document = &response["data"]["uploadDocument"]["uploadedDocument"];
        assert!(response.get("errors").is_none(), "{response}");
        assert_eq!(document["fileType"], file_type, "{response}");
        assert_eq!(document["category"], category);
        assert_eq!(document["originalFilename"], filename);
        assert_eq!(document["mimeType"], mime);
        assert_eq!(document["sizeBytes"].as_f64(), Some(bytes.len() as f64));
        assert_eq!(document["isEncrypted"], false);
        assert_eq!(document["thumbnailUrl"], Value::Null);
        let extracted = document["extractedText"].as_str().unwrap_or_default();
        assert!(extracted.contains(expected_text), "{file_type}: {extracted:?}");
        assert!(
            document["extractionPreview"]
                .as_str()
                .is_some_and(|preview| !preview.is_empty() && !preview.contains('\n')),
            "{response}"
        );
        let url = document["url"].as_str().expect("url");
        let (status, headers, body) = download(&app, url, Some(&me.access_token)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(&body, bytes, "{file_type} comes back byte for byte");
        assert_eq!(headers["content-type"], mime);
        assert_eq!(
            headers["content-disposition"].to_str().expect("ascii"),
            format!("attachment; filename=\"{filename}\"; filename*=UTF-8''{filename}")
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let etag = headers["etag"].to_str().expect("etag").to_owned();
        assert_eq!(etag, format!("\"{}\"", document["sha256"].as_str().expect("sha")));
        assert!(
            headers["cache-control"]
                .to_str()
                .expect("ascii")
                .starts_with("private")
        );
        // A revalidation with the ETag answers 304 without the bytes.
        let request = Request::get(url)
            .header("authorization", format!("Bearer {}", me.access_token))
            .header("if-none-match", &etag)
            .body(Body::empty())
            .expect("request");
        let (status, body) = app.send(request).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert!(body.is_empty());
    }
    assert_eq!(document_count(&app, &me).await, 3);
    assert_eq!(stored_files(&dir).len(), 3);
    // The filter by category.
    let cvs = app
        .ok(
            "{ uploadedDocuments(category: CV) { totalCount edges { node { originalFilename } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(cvs["uploadedDocuments"]["totalCount"], 1);
    assert_eq!(
        cvs["uploadedDocuments"]["edges"][0]["node"]["originalFilename"],
        "cv.docx"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_of_the_wrong_type_is_refused_and_nothing_is_stored() {
    let dir = data_dir("wrong-type");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("wrong-type@example.com").await;
    // A PNG renamed `.pdf` and declared a PDF is still a PNG.
    let response = upload_document(&app, &me, "CV", "cv.pdf", "application/pdf", &png(20, 20)).await;
    assert_eq!(
        only_error(&response),
        ("BAD_USER_INPUT".to_owned(), Some("file".to_owned()))
    );
    // A PDF declared as an image is not a photo.
    let response = upload_photo(&app, &me, "me.png", "image/png", &pdf_with(&["not a photo"])).await;
    assert_eq!(
        only_error(&response),
        ("BAD_USER_INPUT".to_owned(), Some("file".to_owned()))
    );
    // Binary bytes that are no known type.
    let response = upload_document(
        &app,
        &me,
        "OTHER",
        "blob.txt",
        "text/plain",
        &[0, 1, 2, 3, 0xFF, 0xFE],
    )
    .await;
    assert_eq!(
        only_error(&response),
        ("BAD_USER_INPUT".to_owned(), Some("file".to_owned()))
    );
    // PHOTO is not a document's category.
    let response = upload_document(&app, &me, "PHOTO", "a.txt", "text/plain", b"hello").await;
    assert_eq!(
        only_error(&response),
        ("BAD_USER_INPUT".to_owned(), Some("category".to_owned()))
    );
    assert_eq!(document_count(&app, &me).await, 0);
    assert!(stored_files(&dir).is_empty(), "{:?}", stored_files(&dir));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_photo_is_re_encoded_without_its_exif_and_gets_a_thumbnail() {
    let dir = data_dir("photo");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("photo@example.com").await;
    let original = jpeg_with_exif();
    assert!(contains(&original, b"Exif") && contains(&original, EXIF_SECRET));
    let response = upload_photo(&app, &me, "holiday.jpg", "image/jpeg", &original).await;
    assert!(response.get("errors").is_none(), "{response}");
    let photo = &response["data"]["uploadProfilePhoto"]["uploadedDocument"];
    assert_eq!(photo["fileType"], "JPEG");
    assert_eq!(photo["category"], "PHOTO");
    let url = photo["url"].as_str().expect("url").to_owned();
    let (status, headers, body) = download(&app, &url, Some(&me.access_token)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("inline;")
    );
    assert_ne!(body, original, "re-encoded");
    assert!(!contains(&body, b"Exif"), "no EXIF segment");
    assert!(!contains(&body, EXIF_SECRET), "nothing of the EXIF data");
    let decoded = image::load_from_memory(&body).expect("a JPEG");
    assert_eq!((decoded.width(), decoded.height()), (600, 400));
    let (status, _, thumbnail) = download(
        &app,
        photo["thumbnailUrl"].as_str().expect("thumbnail"),
        Some(&me.access_token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let thumbnail = image::load_from_memory(&thumbnail).expect("a JPEG");
    assert_eq!((thumbnail.width(), thumbnail.height()), (256, 171));
    // The profile links to it.
    app.ok(
        "mutation { updateProfile(input: { fullName: \"Ada\" }) { profile { id } } }",
        json!({}),
        Some(&me.access_token),
    )
    .await;
    let profile = app
        .ok(
            "{ viewer { profile { photoUrl photoThumbnailUrl } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(profile["viewer"]["profile"]["photoUrl"], url.as_str());
    assert_eq!(
        profile["viewer"]["profile"]["photoThumbnailUrl"],
        photo["thumbnailUrl"]
    );
    assert_eq!(stored_files(&dir).len(), 2, "the photo and its thumbnail");
    // A PNG replaces it: the old files go.
    let response = upload_photo(&app, &me, "new.png", "image/png", &png(300, 300)).await;
    let replacement = &response["data"]["uploadProfilePhoto"]["uploadedDocument"];
    assert_eq!(replacement["fileType"], "PNG", "{response}");
    let (status, _, _) = download(&app, &url, Some(&me.access_token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(stored_files(&dir).len(), 2);
    assert_eq!(document_count(&app, &me).await, 1);
    let profile = app
        .ok(
            "{ viewer { profile { photoUrl } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(profile["viewer"]["profile"]["photoUrl"], replacement["url"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_6_mb_photo_and_a_50_mb_body_are_refused_and_store_nothing() {
    let dir = data_dir("too-large");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("large@example.com").await;
    // 6 MB that start like a JPEG: refused for its size before anything else.
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(6_000_000, 0);
    let response = upload_photo(&app, &me, "big.jpg", "image/jpeg", &big).await;
    assert_eq!(
        only_error(&response),
        ("BAD_USER_INPUT".to_owned(), Some("file".to_owned()))
    );

    // 50 MB streamed without a Content-Length: refused when the count passes the limit
    // (16 MiB), long before the end.
    let operations = json!({
        "query": "mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { uploadedDocument { id } } }",
        "variables": { "input": { "file": null, "category": "OTHER" } },
    });
    let head = multipart(&operations, "huge.txt", "text/plain", b"");
    let head = head[..head.len() - format!("\r\n--{BOUNDARY}--\r\n").len()].to_vec();
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let chunks = futures_util::stream::iter((0..50).map(move |index| {
        let chunk = if index == 0 {
            head.clone()
        } else {
            vec![b'a'; 1024 * 1024]
        };
        counter.fetch_add(chunk.len(), Ordering::SeqCst);
        Ok::<_, std::io::Error>(chunk)
    }));
    let request = multipart_request(Some(&me.access_token), Body::empty())
        .body(Body::from_stream(chunks))
        .expect("request");
    let (status, body) = app.send(request).await;
    let response: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{response}");
    assert_eq!(response["errors"][0]["extensions"]["code"], "PAYLOAD_TOO_LARGE");
    let read = sent.load(Ordering::SeqCst);
    assert!(read < 20 * 1024 * 1024, "read {read} bytes of 50 MB");

    // With a Content-Length that says 50 MB, refused before reading.
    let request = multipart_request(Some(&me.access_token), Body::empty())
        .header("content-length", (50 * 1024 * 1024).to_string())
        .body(Body::from("--x"))
        .expect("request");
    let (status, _) = app.send(request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(document_count(&app, &me).await, 0);
    assert!(stored_files(&dir).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_multipart_request_needs_a_preflight_header_and_a_well_formed_map() {
    let dir = data_dir("preflight");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("preflight@example.com").await;
    let operations = json!({
        "query": "mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { uploadedDocument { id } } }",
        "variables": { "input": { "file": null, "category": "OTHER" } },
    });
    // As a plain HTML form would send it: no preflight header.
    let request = Request::post("/graphql")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header("authorization", format!("Bearer {}", me.access_token))
        .body(Body::from(multipart(
            &operations,
            "a.txt",
            "text/plain",
            b"hello",
        )))
        .expect("request");
    let (status, body) = app.send(request).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&body)
    );
    // A file the map does not name.
    let body = multipart(&operations, "a.txt", "text/plain", b"hello");
    let body = String::from_utf8(body)
        .expect("utf-8")
        .replace("name=\"0\"; filename", "name=\"1\"; filename");
    let (status, response) = send_multipart(&app, Some(&me.access_token), body.into_bytes()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{response}");
    // A file sent as JSON text is no file.
    let response = app
        .gql(
            "mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { uploadedDocument { id } } }",
            json!({ "input": { "file": "#__graphql_file__:0", "category": "OTHER" } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(only_error(&response).0, "BAD_USER_INPUT", "{response}");
    let response = app
        .gql(
            "mutation($input: UploadDocumentInput!) { uploadDocument(input: $input) { uploadedDocument { id } } }",
            json!({ "input": { "file": "#__graphql_file__:x", "category": "OTHER" } }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(only_error(&response).0, "BAD_USER_INPUT", "{response}");
    assert_eq!(document_count(&app, &me).await, 0);
    assert!(stored_files(&dir).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn another_user_gets_404_and_cannot_delete() {
    let dir = data_dir("access");
    let app = app_in(&dir, &[]).await;
    let owner = app.sign_up("owner-upload@example.com").await;
    let other = app.sign_up("other-upload@example.com").await;
    let response = upload_document(&app, &owner, "CV", "cv.txt", "text/plain", b"Rust engineer").await;
    let document = &response["data"]["uploadDocument"]["uploadedDocument"];
    let id = document["id"].as_str().expect("id");
    let url = document["url"].as_str().expect("url");
    let photo = upload_photo(&app, &owner, "me.png", "image/png", &png(64, 64)).await;
    let photo_url = photo["data"]["uploadProfilePhoto"]["uploadedDocument"]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    for path in [url, photo_url.as_str()] {
        let (status, _, _) = download(&app, path, Some(&other.access_token)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        let (status, _, _) = download(&app, path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let (status, _, _) = download(&app, "/uploads/not-an-id/download", Some(&owner.access_token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let node = app
        .gql(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
            Some(&other.access_token),
        )
        .await;
    assert_eq!(node["data"]["node"], Value::Null, "{node}");
    let deleted = app
        .gql(
            "mutation($id: ID!) { deleteUploadedDocument(input: { id: $id }) { deletedId } }",
            json!({ "id": id }),
            Some(&other.access_token),
        )
        .await;
    assert_eq!(only_error(&deleted).0, "NOT_FOUND");
    let (status, _, _) = download(&app, url, Some(&owner.access_token)).await;
    assert_eq!(status, StatusCode::OK);
    let node = app
        .ok(
            "query($id: ID!) { node(id: $id) { ... on UploadedDocument { originalFilename } } }",
            json!({ "id": id }),
            Some(&owner.access_token),
        )
        .await;
    assert_eq!(node["node"]["originalFilename"], "cv.txt");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_description_makes_a_posting_and_a_cv_suggests_skills_to_accept() {
    let dir = data_dir("postings");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("postings@example.com").await;
    let pdf = pdf_with(&[
        "Staff Data Engineer",
        "Company: Initech",
        "You know Python and PostgreSQL.",
    ]);
    let response = upload_document(&app, &me, "JOB_DESCRIPTION", "jd.pdf", "application/pdf", &pdf).await;
    let id = response["data"]["uploadDocument"]["uploadedDocument"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let posting = app
        .ok(
            "mutation($id: ID!) { createJobPostingFromDocument(input: { documentId: $id }) { jobPosting { jobTitle companyName description skills(first: 20) { edges { node { skill { name } } } } } } }",
            json!({ "id": id }),
            Some(&me.access_token),
        )
        .await;
    let posting = &posting["createJobPostingFromDocument"]["jobPosting"];
    assert_eq!(posting["jobTitle"], "Staff Data Engineer");
    assert_eq!(posting["companyName"], "Initech");
    let mut skills: Vec<&str> = posting["skills"]["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter_map(|edge| edge["node"]["skill"]["name"].as_str())
        .collect();
    skills.sort();
    assert_eq!(skills, ["PostgreSQL", "Python"]);

    // A CV's skills are suggested, not added.
    let docx = docx_with(&["Ada Lovelace", "Ten years of Rust and Python; some PostgreSQL."]);
    let response = upload_document(&app, &me, "CV", "cv.docx", "application/octet-stream", &docx).await;
    let cv = &response["data"]["uploadDocument"]["uploadedDocument"];
    let mut suggested: Vec<&str> = cv["suggestedSkills"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|skill| skill["name"].as_str())
        .collect();
    suggested.sort();
    assert_eq!(suggested, ["PostgreSQL", "Python", "Rust"], "{response}");
    let held = app
        .ok(
            "{ viewer { skills { totalCount } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        held["viewer"]["skills"]["totalCount"], 0,
        "never applied silently"
    );
    let rust_id = cv["suggestedSkills"]
        .as_array()
        .expect("list")
        .iter()
        .find(|skill| skill["name"] == "Rust")
        .and_then(|skill| skill["id"].as_str())
        .expect("Rust")
        .to_owned();
    let accepted = app
        .ok(
            "mutation($id: ID!, $skills: [ID!]) { acceptSuggestedSkills(input: { documentId: $id, skillIds: $skills }) { acceptedSkills { name } uploadedDocument { suggestedSkills { name } } } }",
            json!({ "id": cv["id"], "skills": [rust_id] }),
            Some(&me.access_token),
        )
        .await;
    let accepted = &accepted["acceptSuggestedSkills"];
    assert_eq!(accepted["acceptedSkills"], json!([{ "name": "Rust" }]));
    assert_eq!(
        accepted["uploadedDocument"]["suggestedSkills"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let held = app
        .ok(
            "{ viewer { skills { edges { node { skill { name } } } } } }",
            json!({}),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        held["viewer"]["skills"]["edges"][0]["node"]["skill"]["name"],
        "Rust"
    );
    // A skill it does not suggest.
    let refused = app
        .gql(
            "mutation($id: ID!, $skills: [ID!]) { acceptSuggestedSkills(input: { documentId: $id, skillIds: $skills }) { acceptedSkills { name } } }",
            json!({ "id": cv["id"], "skills": [rust_id] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(
        only_error(&refused),
        ("BAD_USER_INPUT".to_owned(), Some("skillIds".to_owned()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_removes_the_file_and_the_sweep_removes_orphans() {
    use careergraph::db::{self, StatementCounter};
    use careergraph::storage::Storage;

    let dir = data_dir("sweep");
    let app = app_in(&dir, &[]).await;
    let me = app.sign_up("sweep@example.com").await;
    let kept = upload_document(&app, &me, "OTHER", "kept.txt", "text/plain", b"kept").await;
    let kept_url = kept["data"]["uploadDocument"]["uploadedDocument"]["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let gone = upload_document(&app, &me, "OTHER", "gone.txt", "text/plain", b"gone").await;
    let gone = &gone["data"]["uploadDocument"]["uploadedDocument"];
    assert_eq!(stored_files(&dir).len(), 2);
    let deleted = app
        .ok(
            "mutation($id: ID!) { deleteUploadedDocument(input: { id: $id }) { deletedId } }",
            json!({ "id": gone["id"] }),
            Some(&me.access_token),
        )
        .await;
    assert_eq!(deleted["deleteUploadedDocument"]["deletedId"], gone["id"]);
    assert_eq!(stored_files(&dir).len(), 1, "its file went with it");
    let (status, _, _) = download(&app, gone["url"].as_str().expect("url"), Some(&me.access_token)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Objects no row names, as a crash between the write and the commit leaves them.
    let storage = Storage::local(&dir).expect("storage");
    storage
        .put("uploads/crashed/one", b"orphan".to_vec())
        .await
        .expect("put");
    storage
        .put("uploads/crashed/two.thumbnail", b"orphan".to_vec())
        .await
        .expect("put");
    storage
        .put("exports/not-an-upload", b"export".to_vec())
        .await
        .expect("put");
    assert_eq!(stored_files(&dir).len(), 3);
    let pool = db::pool(&app.database_url, 2, StatementCounter::default()).expect("pool");
    // Younger than the grace period: kept (an upload may still be committing).
    let swept = careergraph::uploads::sweep_orphans(&pool, &storage, std::time::Duration::from_secs(3600))
        .await
        .expect("sweep");
    assert_eq!(swept, 0);
    let swept = careergraph::uploads::sweep_orphans(&pool, &storage, std::time::Duration::ZERO)
        .await
        .expect("sweep");
    assert_eq!(swept, 2);
    assert_eq!(stored_files(&dir).len(), 1);
    assert!(
        dir.join("files/exports/not-an-upload").exists(),
        "other prefixes are not swept"
    );
    let (status, _, body) = download(&app, &kept_url, Some(&me.access_token)).await;
    assert_eq!((status, body.as_slice()), (StatusCode::OK, b"kept".as_slice()));
}
