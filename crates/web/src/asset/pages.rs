//! The asset pages. (Being written.)

use crate::routes::Routes;

pub(crate) fn routes() -> Routes {
    Routes::new()
}
