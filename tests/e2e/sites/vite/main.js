// What a tutorial author writes after `npm install headlab-VERSION.tgz` (web/README.md).
import {mount} from 'headlab';

window.widget = await mount(document.querySelector('#demo'), {task: 'copy', batch: 8, autoplay: true});
