//! A profile photo as kept: decoded (within limits on its size in pixels and memory), turned
//! upright by its EXIF orientation, scaled down to at most 2048 pixels a side, and encoded
//! again in its own format, so that nothing of the original file but its pixels survives
//! (EXIF, GPS position, camera, comments, colour profile); and a thumbnail of at most 256
//! pixels a side.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

use super::enums::FileType;

const MAX_SIDE: u32 = 2048;
const THUMBNAIL_SIDE: u32 = 256;
/// A photo wider or taller than this is refused before it is decoded.
const MAX_DECODED_SIDE: u32 = 12_000;
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
const JPEG_QUALITY: u8 = 88;

/// The re-encoded photo and its thumbnail, in the photo's format.
pub struct Processed {
    pub image: Vec<u8>,
    pub thumbnail: Vec<u8>,
}

fn format_of(file_type: FileType) -> Option<ImageFormat> {
    match file_type {
        FileType::Jpeg => Some(ImageFormat::Jpeg),
        FileType::Png => Some(ImageFormat::Png),
        FileType::Webp => Some(ImageFormat::WebP),
        FileType::Pdf | FileType::Docx | FileType::Text => None,
    }
}

/// CPU-bound: call it off the async runtime. The error says why the image cannot be used.
pub fn process(bytes: &[u8], file_type: FileType) -> Result<Processed, String> {
    let format = format_of(file_type).ok_or("a photo must be a JPEG, PNG or WebP image")?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let unreadable = |error: image::ImageError| format!("the image cannot be read: {error}");
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    image.apply_orientation(orientation);
    if image.width() > MAX_SIDE || image.height() > MAX_SIDE {
        image = image.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Lanczos3);
    }
    let thumbnail = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    Ok(Processed {
        image: encode(&image, file_type)?,
        thumbnail: encode(&thumbnail, file_type)?,
    })
}

/// The pixels alone in the format: none of image's encoders writes metadata it is not given.
fn encode(image: &DynamicImage, file_type: FileType) -> Result<Vec<u8>, String> {
    let mut out = Cursor::new(Vec::new());
    let failed = |error: image::ImageError| format!("the image cannot be encoded: {error}");
    match file_type {
        FileType::Jpeg => {
            let rgb = image.to_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
                .encode_image(&rgb)
                .map_err(failed)?;
        }
        FileType::Png => image.write_to(&mut out, ImageFormat::Png).map_err(failed)?,
        FileType::Webp => {
            // image's WebP encoder is lossless, and takes 8-bit RGB(A) only.
            let rgba = DynamicImage::ImageRgba8(image.to_rgba8());
            rgba.write_to(&mut out, ImageFormat::WebP).map_err(failed)?;
        }
        FileType::Pdf | FileType::Docx | FileType::Text => {
            return Err("a photo must be a JPEG, PNG or WebP image".to_owned());
        }
    }
    Ok(out.into_inner())
}
